"""`load_demo` refuses production settings and a database with data it did not create, unless
--force; a demo database stays one (make run tops it up after someone signed up in it)."""

import io

import pytest
from django.core.management import CommandError, call_command

from metropoli.accounts.models import User
from metropoli.accounts.tests.factories import UserFactory
from metropoli.territory.models import Municipality

pytestmark = pytest.mark.django_db
DEMO_ADMIN = "admin@demo.metropoli.mx"


def load(**options):
    call_command("load_demo", stdout=io.StringIO(), **options)


def test_a_database_with_other_accounts_is_refused_and_left_alone():
    UserFactory(email="directora@imeplan.mx")
    with pytest.raises(CommandError, match=r"did not create \(1 accounts\).*--force"):
        load()
    assert list(User.objects.values_list("email", flat=True)) == ["directora@imeplan.mx"]
    assert Municipality.objects.count() == 0


def test_a_database_with_other_trees_is_refused(municipalities):
    from metropoli.trees.services import register_tree

    register_tree(lon=-103.35, lat=20.67, recorded_by=None)
    with pytest.raises(CommandError, match=r"\(1 trees\)"):
        load()
    assert not User.objects.filter(email=DEMO_ADMIN).exists()


def test_force_loads_anyway():
    UserFactory(email="directora@imeplan.mx")
    load(force=True)
    assert User.objects.filter(email=DEMO_ADMIN).exists()


def test_production_settings_are_refused_even_on_an_empty_database(settings):
    settings.METROPOLI_PRODUCTION = True
    with pytest.raises(CommandError, match="production settings"):
        load()
    assert User.objects.count() == 0
    load(force=True)
    assert User.objects.filter(email=DEMO_ADMIN).exists()


def test_a_demo_database_is_topped_up_after_someone_signed_up_in_it():
    load()
    UserFactory(email="visitante@example.mx")
    load()
    assert User.objects.filter(email=DEMO_ADMIN).count() == 1
