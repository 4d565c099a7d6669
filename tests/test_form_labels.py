"""Every form field on the pages with forms has a name a screen reader says, and the page's
references between elements hold: a `<label for>` names a field that is there, an
`aria-describedby` or `aria-labelledby` names elements that are there, and no id is used twice.

Phones read pages aloud to people who cannot look at the screen while they walk a street
recording trees; a help text whose id does not match the field's `aria-describedby` is never
read. The pages are those of the hostile-form test (test_forms_hostile.PAGES), each opened by the
demo person who uses it.
"""

from collections import Counter

import pytest
from django.test import Client
from hostile import demo
from lxml import html as lxml_html
from test_forms_hostile import PAGES, _fill_cart

from metropoli.accounts.models import User

__all__ = ["demo"]  # the module's fixture, from hostile.py

# Inputs nobody fills in or that carry their own words.
UNNAMED_KINDS = {"hidden", "submit", "button", "reset", "image"}


def field_name_problems(page: str) -> list[str]:
    tree = lxml_html.fromstring(page)
    ids = Counter(element.get("id") for element in tree.iter() if element.get("id"))
    problems = [f"id «{key}» used {count} times" for key, count in ids.items() if count > 1]
    labelled = {label.get("for") for label in tree.iter("label") if label.get("for")}
    problems += [f"<label for={key}> names nothing" for key in labelled if key not in ids]
    for element in tree.iter():
        for attribute in ("aria-describedby", "aria-labelledby"):
            for key in (element.get(attribute) or "").split():
                if key not in ids:
                    problems.append(f"<{element.tag} {attribute}={key}> names nothing")
    for field in tree.iter("input", "select", "textarea"):
        kind = (field.get("type") or "text").lower() if field.tag == "input" else field.tag
        if kind in UNNAMED_KINDS:
            continue
        named = (
            field.get("id") in labelled
            or any(parent.tag == "label" for parent in field.iterancestors())
            or field.get("aria-label")
            or field.get("aria-labelledby")
            or field.get("title")
        )
        if not named:
            problems.append(f"<{field.tag} name={field.get('name')}> has no label")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize(("person", "page"), PAGES, ids=[f"{p}:{u}" for p, u in PAGES])
def test_every_form_field_is_named_and_every_reference_holds(demo, person, page):
    client = Client(headers={"Accept-Language": "es-MX"})
    if person:
        client.force_login(User.objects.get(email=f"{person}@demo.metropoli.mx"))
    if "{contribution}" in page or "/carrito/" in page or "/pagar/" in page:
        _fill_cart(client, demo)
    answer = client.get(page.format(**demo))
    assert answer.status_code == 200
    assert field_name_problems(answer.content.decode()) == []


def test_the_check_sees_a_help_text_nobody_reads_and_a_field_without_a_label():
    page = (
        '<form><label for="id_a">A</label><input id="id_a" aria-describedby="id_a_helptext">'
        '<p id="id_a_help">…</p><input name="b"></form>'
    )
    assert field_name_problems(page) == [
        "<input aria-describedby=id_a_helptext> names nothing",
        "<input name=b> has no label",
    ]
