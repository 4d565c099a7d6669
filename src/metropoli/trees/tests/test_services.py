from collections import Counter
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.domain_errors import message_of
from metropoli.common.errors import CommonErrorCode, DomainError
from metropoli.common.history import ChangeRecord, history_of, lines
from metropoli.common.idempotency import Idempotency
from metropoli.common.models import IdempotencyRecord
from metropoli.territory.models import Role, RoleAssignment
from metropoli.trees import cells, services
from metropoli.trees.errors import TreeErrorCode
from metropoli.trees.models import (
    PlantingSite,
    Tree,
    TreeCell,
)

from .factories import GDL, ZAP, jacaranda, make_tree

pytestmark = pytest.mark.django_db


def cell_counts() -> Counter:
    return Counter(
        {(c.level, c.x, c.y, c.municipality_id): c.count for c in TreeCell.objects.all()}
    )


def nothing_written():
    assert Tree.objects.count() == 0
    assert PlantingSite.objects.count() == 0
    assert ChangeRecord.objects.count() == 0
    assert TreeCell.objects.count() == 0
    assert IdempotencyRecord.objects.count() == 0


def test_register_tree_keeps_site_tree_history_and_cells(municipalities, guadalajara):
    user = UserFactory()
    tree = make_tree(user, dbh_cm="31.26", condition="good", address="Av. Juárez 1")

    assert tree.site.municipality == guadalajara
    assert tree.dbh_cm == Decimal("31.3")
    assert tree.validation_state == "submitted"
    assert tree.recorded_by == user
    fields = {line.field: line.new_value for line in lines(ChangeRecord.objects.all())}
    assert fields["species"] == "JAMI"
    assert fields["dbh_cm"] == "31.3"
    assert fields["address"] == "Av. Juárez 1"
    assert fields["municipality"] == "14039"
    # One cell per aggregation level, each counting one tree.
    assert TreeCell.objects.count() == len(cells.LEVELS)
    assert set(TreeCell.objects.values_list("count", flat=True)) == {1}


def test_idempotent_retry_returns_the_same_tree(municipalities):
    user = UserFactory()
    jacaranda()
    first = services.register_tree(
        lon=GDL[0],
        lat=GDL[1],
        recorded_by=user,
        species_code="JAMI",
        dbh_cm=20,
        idempotency=Idempotency.for_user(user, "key-00000001"),
    )
    again = services.register_tree(
        lon=GDL[0],
        lat=GDL[1],
        recorded_by=user,
        species_code="JAMI",
        dbh_cm=20,
        idempotency=Idempotency.for_user(user, "key-00000001"),
    )
    assert first.created and not again.created
    assert again.tree.pk == first.tree.pk
    assert Tree.objects.count() == 1
    assert set(TreeCell.objects.values_list("count", flat=True)) == {1}


def test_same_key_with_other_data_is_refused(municipalities):
    user = UserFactory()
    jacaranda()
    services.register_tree(
        lon=GDL[0],
        lat=GDL[1],
        recorded_by=user,
        species_code="JAMI",
        dbh_cm=20,
        idempotency=Idempotency.for_user(user, "key-00000002"),
    )
    with pytest.raises(DomainError) as error:
        services.register_tree(
            lon=GDL[0],
            lat=GDL[1],
            recorded_by=user,
            species_code="JAMI",
            dbh_cm=99,
            idempotency=Idempotency.for_user(user, "key-00000002"),
        )
    assert error.value.code == CommonErrorCode.IDEMPOTENCY_KEY_REUSED
    assert Tree.objects.count() == 1


def test_keys_belong_to_one_person(municipalities):
    jacaranda()
    a, b = UserFactory(), UserFactory()
    for user in (a, b):
        services.register_tree(
            lon=GDL[0],
            lat=GDL[1],
            recorded_by=user,
            species_code="JAMI",
            dbh_cm=20,
            idempotency=Idempotency.for_user(user, "same-key-123"),
        )
    assert Tree.objects.count() == 2


def test_retry_after_deletion_says_gone(municipalities):
    user = UserFactory()
    jacaranda()
    tree = services.register_tree(
        lon=GDL[0],
        lat=GDL[1],
        recorded_by=user,
        species_code="JAMI",
        dbh_cm=20,
        idempotency=Idempotency.for_user(user, "key-00000003"),
    ).tree
    services.delete_tree(tree=tree, deleted_by=user)
    with pytest.raises(DomainError) as error:
        services.register_tree(
            lon=GDL[0],
            lat=GDL[1],
            recorded_by=user,
            species_code="JAMI",
            dbh_cm=20,
            idempotency=Idempotency.for_user(user, "key-00000003"),
        )
    assert error.value.code == TreeErrorCode.TREE_DELETED


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"lon": -99.13, "lat": 19.43}, "outside_area"),  # Mexico City
        ({"dbh_cm": 0}, "invalid_dbh"),
        ({"dbh_cm": -4}, "invalid_dbh"),
        ({"dbh_cm": 1000.1}, "invalid_dbh"),
        ({"dbh_cm": "abc"}, "invalid_number"),
        ({"species_code": "NOPE"}, "unknown_species"),
        ({"height_m": 500}, "invalid_height"),
        ({"condition": "splendid"}, "invalid_choice"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(municipalities, values, code):
    jacaranda()
    arguments = {"lon": GDL[0], "lat": GDL[1], "species_code": "JAMI", "dbh_cm": 20}
    arguments.update(values)
    user = UserFactory()
    key = Idempotency.for_user(user, "k-bad-0001")
    with pytest.raises(DomainError) as error:
        services.register_tree(recorded_by=user, idempotency=key, **arguments)
    assert error.value.code == code
    nothing_written()


def test_a_refusal_is_worded_in_the_language_it_is_answered_in():
    # Raised while Spanish is active, answered in English: the field's name follows the answer.
    with translation.override("es-mx"), pytest.raises(DomainError) as refused:
        services.check_dbh("abc")
    assert (refused.value.code, refused.value.kind) == (TreeErrorCode.INVALID_NUMBER, "invalid")
    with translation.override("en"):
        assert message_of(refused.value) == "The trunk diameter must be a number."
    with translation.override("es-mx"):
        assert message_of(refused.value) == "El diámetro del tronco debe ser un número."


def test_unknown_species_is_allowed(municipalities):
    tree = services.register_tree(lon=GDL[0], lat=GDL[1], recorded_by=None, dbh_cm=12).tree
    assert tree.species is None


def test_update_records_old_and_new_values_and_moves_cells(municipalities, zapopan):
    user = UserFactory()
    tree = make_tree(user)
    before = cell_counts()
    services.update_tree(
        tree=tree, changed_by=user, changes={"lon": ZAP[0], "lat": ZAP[1], "dbh_cm": 45}
    )
    tree.refresh_from_db()
    assert tree.site.municipality == zapopan
    updates = lines(ChangeRecord.objects.filter(action="update"))
    changes = {r.field: (r.old_value, r.new_value) for r in updates}
    assert changes["dbh_cm"] == ("30.0", "45.0")
    assert changes["municipality"] == ("14039", "14120")
    assert len([r for r in updates if r.changed_by == user]) == 3
    after = cell_counts()
    assert sum(after.values()) == sum(before.values())
    assert all(key[3] == zapopan.pk for key in after)


def test_refused_update_changes_nothing(municipalities):
    user = UserFactory()
    tree = make_tree(user)
    history = ChangeRecord.objects.count()
    with pytest.raises(DomainError):
        services.update_tree(tree=tree, changed_by=user, changes={"dbh_cm": 45, "lon": -99.1})
    tree.refresh_from_db()
    assert tree.dbh_cm == Decimal("30.0")
    assert ChangeRecord.objects.count() == history


def test_delete_keeps_the_site_and_the_history_and_empties_cells(municipalities):
    user = UserFactory()
    tree = make_tree(user)
    services.delete_tree(tree=tree, deleted_by=user)
    assert Tree.objects.count() == 0
    assert PlantingSite.objects.count() == 1
    assert TreeCell.objects.count() == 0
    assert history_of(Tree, tree.pk).filter(action="delete").exists()


OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["add", "move", "delete"]),
        st.floats(-103.50, -103.20),
        st.floats(20.55, 20.80),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_cells_kept_by_the_services_equal_a_full_recount(municipalities, operations):
    TreeCell.objects.all().delete()
    Tree.objects.all().delete()
    live: list[Tree] = []
    for action, lon, lat in operations:
        if action == "add" or not live:
            live.append(services.register_tree(lon=lon, lat=lat, recorded_by=None, dbh_cm=10).tree)
        elif action == "move":
            services.update_tree(tree=live[-1], changed_by=None, changes={"lon": lon, "lat": lat})
        else:
            services.delete_tree(tree=live.pop(0), deleted_by=None)
    incremental = cell_counts()
    services.rebuild_cells()
    assert cell_counts() == incremental
    assert sum(c for (level, *_r), c in incremental.items() if level == cells.LEVELS[0]) == len(
        live
    )


def test_a_change_or_removal_racing_a_removal_answers_404_and_writes_nothing(municipalities):
    # The API read the tree, then another request removed it before this one took the lock.
    user = UserFactory()
    tree = make_tree(user)
    services.delete_tree(tree=Tree.objects.get(pk=tree.pk), deleted_by=user)
    history = ChangeRecord.objects.count()
    for attempt in (
        lambda: services.update_tree(tree=tree, changed_by=user, changes={"dbh_cm": 45}),
        lambda: services.delete_tree(tree=tree, deleted_by=user),
    ):
        with pytest.raises(DomainError) as refused:
            attempt()
        assert refused.value.code == TreeErrorCode.UNKNOWN_TREE
    assert ChangeRecord.objects.count() == history
    assert Tree.objects.count() == 0


def test_arborist_cannot_move_a_tree_to_a_municipality_without_a_role(municipalities, zapopan):
    tree = make_tree(UserFactory())
    arborist = person_with(Role.ARBORIST, tree.site.municipality)
    history = ChangeRecord.objects.count()
    with pytest.raises(DomainError) as refused:
        services.update_tree(tree=tree, changed_by=arborist, changes={"lon": ZAP[0], "lat": ZAP[1]})
    assert refused.value.code == TreeErrorCode.PERMISSION_DENIED
    tree.refresh_from_db()
    assert tree.site.municipality.inegi_code == "14039"
    assert ChangeRecord.objects.count() == history
    # With a role in both municipalities the move is theirs to make.
    RoleAssignment.objects.create(user=arborist, role=Role.ARBORIST, municipality=zapopan)
    arborist.__dict__.pop("_metropoli_roles", None)
    services.update_tree(tree=tree, changed_by=arborist, changes={"lon": ZAP[0], "lat": ZAP[1]})
    tree.refresh_from_db()
    assert tree.site.municipality == zapopan


def test_the_recorder_may_correct_their_recent_capture_across_a_border(municipalities, zapopan):
    recorder = UserFactory()
    tree = make_tree(recorder)
    services.update_tree(tree=tree, changed_by=recorder, changes={"lon": ZAP[0], "lat": ZAP[1]})
    tree.refresh_from_db()
    assert tree.site.municipality == zapopan
