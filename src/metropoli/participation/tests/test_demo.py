import pytest

from metropoli.participation import demo
from metropoli.participation.models import Contribution, Proceeding

pytestmark = pytest.mark.django_db


def test_demo_loads_once_inside_its_corridor():
    demo.load()
    demo.load()
    proceeding = Proceeding.objects.get(slug=demo.SLUG)
    assert proceeding.municipality is None and proceeding.is_demo
    assert proceeding.active_phase().kind == "contributions"
    contributions = Contribution.objects.filter(proceeding=proceeding)
    assert contributions.count() == len(demo.SAMPLES) == 20
    assert all(c.is_demo and proceeding.area.covers(c.geometry) for c in contributions)
    assert {c.geometry_kind for c in contributions} == {"point", "line", "area"}


def test_the_demo_staff_moderate_the_metropolitan_demo_consultation(municipalities):
    from metropoli.accounts import demo as accounts_demo
    from metropoli.accounts.models import User

    demo.load()  # before the demo people exist: named when the demo loads again
    accounts_demo.load()
    demo.load()
    proceeding = Proceeding.objects.get(slug=demo.SLUG)
    staff = User.objects.get(email="personal.gdl@demo.metropoli.mx")
    citizen = User.objects.get(email="ciudadana@demo.metropoli.mx")
    assert staff.has_perm("participation.moderate_proceeding", proceeding)
    assert not citizen.has_perm("participation.moderate_proceeding", proceeding)
