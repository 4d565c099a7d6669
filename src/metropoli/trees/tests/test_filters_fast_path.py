"""A query string that sets no tree filter skips the schema (trees/filters.py `parse`), with the
very same result as the schema's, and any filter set still goes through it (issue 21)."""

import urllib.parse

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metropoli.trees import filters
from metropoli.trees.filters import NAMES, TreeFilterSchema
from metropoli.trees.selectors import TreeFilters

pytestmark = pytest.mark.django_db

# Names that are not filters (the tile's version pin, anything a client adds) with any value, and
# filter names with the empty value (a form's empty field): none of them sets a filter.
UNSET = st.dictionaries(
    st.one_of(st.sampled_from(["v", "page", "format", "x"]), st.sampled_from(NAMES)),
    st.text(alphabet="abc0123456789,.-", max_size=8),
    max_size=5,
).map(lambda d: {k: ("" if k in NAMES else v) for k, v in d.items()})


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(UNSET)
def test_no_filter_set_is_the_schemas_empty_filters(params):
    query = QueryDict(urllib.parse.urlencode(params))
    fast = filters.parse(query)
    slow = TreeFilterSchema.from_params(query).resolve()
    assert fast == slow == TreeFilters()
    # The tile's ETag is made of repr(filters): both paths must give the same text.
    assert repr(fast) == repr(slow)


def test_the_schema_is_not_run_when_no_filter_is_set(monkeypatch):
    def refuse(params):
        raise AssertionError("the schema ran")

    monkeypatch.setattr(TreeFilterSchema, "from_params", refuse)
    assert filters.parse(QueryDict("v=12&dbh_min=&species=")) == TreeFilters()
    with pytest.raises(AssertionError, match="the schema ran"):
        filters.parse(QueryDict("v=12&dbh_min=3"))


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("dbh_min=big", "dbh_min"),
        ("v=3&bbox=1,2", "bbox"),
        ("condition=splendid", "splendid"),
        ("since=yesterday", "since"),
    ],
)
def test_a_bad_filter_next_to_unset_ones_is_still_refused(query, words, municipalities):
    with pytest.raises(ValidationError) as refused:
        filters.parse(QueryDict(f"species=&{query}"))
    assert words in " ".join(refused.value.messages)
    tile = Client().get(f"/tiles/trees/10/100/100.pbf?{query}", headers={"Accept-Language": "en"})
    assert tile.status_code == 400
    assert tile.json()["code"] == "invalid_filter"
    assert words in tile.json()["message"]
