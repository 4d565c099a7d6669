"""The certification page's rule: municipal staff give their municipality its own rule for
earning the certification, or go back to the platform's, in the browser (before: only in the
platform administrators' admin)."""

import pytest

from metropoli.accounts.tests.factories import person_with
from metropoli.common.testing import signed_in
from metropoli.learning.models import CertificationRule
from metropoli.learning.selectors import certification_rule
from metropoli.territory.models import Role

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}
RULE = "/arbol/aprende/certificaciones/regla/"


def test_staff_set_and_drop_their_own_rule(guadalajara, settings):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    page = staff.get("/arbol/aprende/certificaciones/?municipality=14039", headers=ES)
    assert "Este municipio usa la regla de la plataforma." in page.content.decode()
    answer = staff.post(
        RULE, {"municipality": "14039", "accuracy_percent": "90", "last_n": "40"},
        headers=ES, follow=True,
    )  # fmt: skip
    text = answer.content.decode()
    assert "La regla se aplica a los siguientes registros decididos." in text
    assert "Este municipio tiene su propia regla." in text
    own = certification_rule(guadalajara)
    assert (own.min_accuracy, own.last_n) == (0.9, 40)
    page = staff.get("/arbol/aprende/certificaciones/?municipality=14039", headers=ES)
    assert "Volver a la regla de la plataforma" in page.content.decode()
    staff.post(RULE, {"municipality": "14039", "use_platform_rule": "1"})
    assert not CertificationRule.objects.exists()
    rule = certification_rule(guadalajara)
    assert (rule.min_accuracy, rule.last_n) == (
        settings.LEARNING_CERTIFICATION_ACCURACY,
        settings.LEARNING_CERTIFICATION_LAST_N,
    )


BAD = [("49", "20"), ("101", "20"), ("80", "4"), ("80", "501"), ("NaN", "20"), ("80", "")]


@pytest.mark.parametrize(("percent", "last_n"), BAD)
def test_values_out_of_bounds_are_refused_in_spanish(guadalajara, percent, last_n):
    staff = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    answer = staff.post(
        RULE, {"municipality": "14039", "accuracy_percent": percent, "last_n": last_n},
        headers=ES, follow=True,
    )  # fmt: skip
    assert "Guardado" not in answer.content.decode()
    assert not CertificationRule.objects.exists()


def test_only_the_municipalitys_staff_set_it(guadalajara, zapopan):
    for person in (
        person_with(Role.MUNICIPAL_STAFF, zapopan),
        person_with(Role.ARBORIST, guadalajara),
    ):
        refused = signed_in(person).post(
            RULE, {"municipality": "14039", "accuracy_percent": "90", "last_n": "40"}
        )
        assert refused.status_code == 403
    assert not CertificationRule.objects.exists()
