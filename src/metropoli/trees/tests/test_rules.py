from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.territory.models import Role
from metropoli.trees.models import Tree

from .factories import make_tree

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(guadalajara, zapopan):
    return {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "staff_elsewhere": person_with(Role.MUNICIPAL_STAFF, zapopan),
        "staff": person_with(Role.MUNICIPAL_STAFF, guadalajara),
        "arborist": person_with(Role.ARBORIST, guadalajara),
        "admin": person_with(Role.PLATFORM_ADMIN),
    }


@pytest.fixture
def tree(people):
    return make_tree(UserFactory())


def allowed(people, perm, obj):
    return {name for name, user in people.items() if user.has_perm(perm, obj)}


def test_view_tree(people, tree):
    assert allowed(people, "trees.view_tree", tree) == set(people)


def test_add_tree(people):
    assert allowed(people, "trees.add_tree", None) == set(people) - {"anonymous"}


def test_change_tree(people, tree):
    assert allowed(people, "trees.change_tree", tree) == {"staff", "arborist", "admin"}


def test_add_photo(people, tree):
    assert allowed(people, "trees.add_photo", tree) == {"staff", "arborist", "admin"}


def test_delete_tree(people, tree):
    assert allowed(people, "trees.delete_tree", tree) == {"staff", "arborist", "admin"}


def test_import_trees(people, guadalajara):
    assert allowed(people, "trees.import_trees", guadalajara) == {"staff", "admin"}


def test_recorder_may_change_and_delete_for_a_day_only(people):
    recorder = people["citizen"]
    tree = make_tree(recorder)
    for perm in ("trees.change_tree", "trees.add_photo", "trees.delete_tree"):
        assert recorder.has_perm(perm, tree)
    Tree.objects.filter(pk=tree.pk).update(recorded_at=timezone.now() - timedelta(hours=25))
    tree.refresh_from_db()
    for perm in ("trees.change_tree", "trees.add_photo", "trees.delete_tree"):
        assert not recorder.has_perm(perm, tree)


def test_look_after_trees(people, guadalajara):
    # Moving a tree into the municipality; reading the history of its removed trees.
    assert allowed(people, "trees.look_after_trees", guadalajara) == {"staff", "arborist", "admin"}
    assert allowed(people, "trees.look_after_trees", None) == {"admin"}
