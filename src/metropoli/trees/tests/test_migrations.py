"""Tree idempotency keys move to the shared table and a retry in flight still replays."""

import hashlib
import json

import pytest

from metropoli.accounts.tests.factories import UserFactory
from metropoli.common.idempotency import Idempotency
from metropoli.common.models import IdempotencyRecord
from metropoli.common.testing import migrate
from metropoli.trees import services

from .factories import GDL, jacaranda

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("trees", "0003_map_points"), ("common", "0001_idempotency_records")]


def test_old_tree_keys_still_replay_after_the_move(municipalities):
    jacaranda()
    user = UserFactory()
    arguments = {"lon": GDL[0], "lat": GDL[1], "species_code": "JAMI", "dbh_cm": 20}
    tree = services.register_tree(recorded_by=user, **arguments).tree
    old = migrate(BEFORE)
    try:
        # What the old register_tree stored: its own hash of the request's fields as text.
        fields = {
            "lon": str(round(GDL[0], 7)),
            "lat": str(round(GDL[1], 7)),
            "species_code": "JAMI",
            "dbh_cm": "20",
            "height_m": "",
            "crown_width_m": "",
            "condition": "unknown",
            "phenology": "unknown",
            "notes": "",
            "site_type": "sidewalk",
            "address": "",
            "colonia": "",
        }
        digest = hashlib.sha256(json.dumps(dict(sorted(fields.items())), sort_keys=True).encode())
        old.get_model("trees", "IdempotencyKey").objects.create(
            user_id=user.pk, key="offline-0001", request_hash=digest.hexdigest(), tree_ref=tree.pk
        )
    finally:
        migrate()

    record = IdempotencyRecord.objects.get()
    assert (record.action, record.scope, record.result_id) == (
        "trees.tree",
        f"user:{user.pk}",
        tree.pk,
    )
    again = services.register_tree(
        recorded_by=user, idempotency=Idempotency.for_user(user, "offline-0001"), **arguments
    )
    assert again.tree.pk == tree.pk and not again.created
