"""/arbol/treender/reglas/<municipality>/: municipal staff set how their records are decided, in
the browser (before: only in the platform administrators' admin)."""

import pytest

from metropoli.accounts.tests.factories import person_with
from metropoli.common.testing import signed_in
from metropoli.territory.models import Role
from metropoli.validation.models import ConsensusPolicy
from metropoli.validation.services import policy_for

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}


def test_staff_set_their_municipalitys_policy(guadalajara):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    dashboard = staff.get("/arbol/treender/tablero/", headers=ES).content.decode()
    assert 'href="/arbol/treender/reglas/14039/"' in dashboard
    page = staff.get("/arbol/treender/reglas/14039/", headers=ES).content.decode()
    assert "Este municipio usa las reglas de la plataforma" in page
    answer = staff.post(
        "/arbol/treender/reglas/14039/",
        {"agreeing_votes": "3", "minimum_weight": "1.5"},
        headers=ES,
        follow=True,
    )
    assert "El siguiente voto de cada registro sigue estas reglas." in answer.content.decode()
    policy = policy_for(guadalajara)
    assert (policy.arborist_decides_alone, policy.agreeing_votes, policy.minimum_weight) == (
        False,
        3,
        1.5,
    )
    # Saved again: still one policy.
    staff.post(
        "/arbol/treender/reglas/14039/",
        {"arborist_decides_alone": "on", "agreeing_votes": "2", "minimum_weight": "1"},
    )
    assert ConsensusPolicy.objects.filter(municipality=guadalajara).count() == 1
    assert policy_for(guadalajara).arborist_decides_alone is True


@pytest.mark.parametrize(
    ("votes", "weight"), [("0", "1"), ("21", "1"), ("2", "-1"), ("2", "NaN"), ("2", "1e309")]
)
def test_out_of_bounds_values_are_refused_in_spanish(guadalajara, votes, weight):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    answer = staff.post(
        "/arbol/treender/reglas/14039/",
        {"agreeing_votes": votes, "minimum_weight": weight},
        headers=ES,
    )
    assert answer.status_code == 400
    assert 'class="error" role="alert"' in answer.content.decode()
    assert not ConsensusPolicy.objects.exists()


def test_only_the_municipalitys_staff_change_it(guadalajara, zapopan):
    for person in (
        person_with(Role.MUNICIPAL_STAFF, zapopan),
        person_with(Role.ARBORIST, guadalajara),
        person_with(Role.CERTIFIED_EXPERT, guadalajara),
    ):
        client = signed_in(person)
        assert client.get("/arbol/treender/reglas/14039/").status_code == 403
        refused = client.post(
            "/arbol/treender/reglas/14039/", {"agreeing_votes": "5", "minimum_weight": "1"}
        )
        assert refused.status_code == 403
    assert not ConsensusPolicy.objects.exists()
    admin = signed_in(person_with(Role.PLATFORM_ADMIN))
    assert admin.get("/arbol/treender/reglas/14039/").status_code == 200
