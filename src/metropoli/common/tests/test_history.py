"""The one change history (decision 0090): one way to write it, one way to read it, and a
write that fails leaves no history behind."""

import pytest
from django.db import transaction

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.history import (
    ChangeAction,
    ChangeRecord,
    history_of,
    lines,
    record_change,
)
from metropoli.common.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def test_a_change_keeps_only_what_changed_as_text_in_order():
    user = UserFactory()
    record = record_change(
        (IdempotencyRecord, 7),
        user,
        ChangeAction.UPDATE,
        {"b": (1, 2), "same": ("x", "x"), "a": (None, True)},
        reason="because",
    )
    assert record.changes == [
        {"field": "b", "old": "1", "new": "2"},
        {"field": "a", "old": "", "new": "true"},
    ]
    shown = [(line.field, line.old_value, line.new_value) for line in lines([record])]
    assert shown == [("b", "1", "2"), ("a", "", "true"), ("reason", "", "because")]
    assert {line.changed_by for line in lines([record])} == {user}
    assert lines([record])[0].subject == "idempotencyrecord"


def test_nothing_changed_writes_nothing_and_anonymous_is_nobody():
    assert record_change((IdempotencyRecord, 7), None, "update", {"a": ("1", "1")}) is None
    assert ChangeRecord.objects.count() == 0
    record = record_change((IdempotencyRecord, 7), None, "create", {"a": ("", "1")})
    assert record.changed_by is None


def test_a_history_holds_its_own_records_and_those_filed_under_it():
    record_change((IdempotencyRecord, 1), None, "update", {"a": ("", "1")})
    record_change(
        (ChangeRecord, 5), None, "update", {"b": ("", "2")}, parent=(IdempotencyRecord, 1)
    )
    record_change((IdempotencyRecord, 2), None, "update", {"c": ("", "3")})
    assert [line.field for line in lines(history_of(IdempotencyRecord, 1))] == ["a", "b"]
    own = history_of(IdempotencyRecord, 1, with_children=False)
    assert [line.field for line in lines(own)] == ["a"]


def test_newest_first_reverses_the_fields_of_a_record_too():
    record_change((IdempotencyRecord, 1), None, "update", {"a": ("", "1"), "b": ("", "2")})
    record_change((IdempotencyRecord, 1), None, "update", {"c": ("", "3")})
    newest = history_of(IdempotencyRecord, 1).order_by("-changed_at", "-pk")
    assert [line.field for line in lines(newest, newest_first=True)] == ["c", "b", "a"]


def test_a_write_that_fails_after_its_history_leaves_no_row():
    with pytest.raises(RuntimeError), transaction.atomic():
        record_change((IdempotencyRecord, 1), None, "update", {"a": ("", "1")})
        raise RuntimeError("the write fails after the history was recorded")
    assert ChangeRecord.objects.count() == 0
