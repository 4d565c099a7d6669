"""The trees' old change history arrives whole in the one history (decision 0090): every old
row, its person and moment, a site's tree, a removal's reason; the page tells it as before."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.history import ChangeRecord
from metropoli.common.testing import migrate
from metropoli.trees import selectors

from .factories import make_tree

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("trees", "0008_spanish_admin_names")]


def shown(lines):
    return sorted(
        (
            line.subject,
            line.action,
            line.field,
            line.old_value,
            line.new_value,
            line.changed_by_id,
            line.changed_at,
        )
        for line in lines
    )


def test_every_old_row_arrives_and_the_page_tells_it(municipalities):
    user = UserFactory()
    tree = make_tree(user, condition="fair")
    before = shown(selectors.tree_history(tree.pk))
    old = migrate(BEFORE)
    try:
        rows = old.get_model("trees", "ChangeRecord").objects
        # The migration back gave the old table the same rows, site rows naming their tree.
        assert rows.filter(subject="site", tree_id_ref=tree.pk).exists()
        assert rows.count() == len(before)
        later = timezone.now() + timedelta(minutes=5)
        rows.create(
            subject="tree",
            subject_id=tree.pk,
            tree_id_ref=tree.pk,
            action="update",
            field="notes",
            old_value="",
            new_value="Poda ligera",
            changed_by_id=user.pk,
            changed_at=later,
        )
        rows.create(
            subject="tree",
            subject_id=tree.pk,
            tree_id_ref=tree.pk,
            action="delete",
            field="reason",
            old_value="",
            new_value="Derribado por la tormenta",
            changed_by_id=user.pk,
            changed_at=later + timedelta(minutes=1),
        )
        count = rows.count()
    finally:
        migrate()

    after = selectors.tree_history(tree.pk)
    added = [
        ("tree", "update", "notes", "", "Poda ligera", user.pk, later),
        (
            "tree",
            "delete",
            "reason",
            "",
            "Derribado por la tormenta",
            user.pk,
            later + timedelta(minutes=1),
        ),
    ]
    assert len(after) == count and shown(after) == sorted(before + added)
    (reason,) = [line for line in after if line.field == "reason"]
    assert reason.record.reason == "Derribado por la tormenta" and reason.action == "delete"
    assert ChangeRecord.objects.filter(parent_id=tree.pk).exists()  # the site's rows
    page = Client().get(f"/arbol/arboles/{tree.pk}", headers={"Accept-Language": "es-MX"})
    html = page.content.decode()
    assert "Condición:</span> Regular" in html and "Poda ligera" in html
