"""Consultation templates kept without the admin (decision 0114): every template listed for who
sets consultations up; corrected and deleted by the staff of the municipality that saved it
(the platform's own by administrators); duplicate names and stale edits refused, in Spanish,
with nothing stored; a deleted template leaves its consultations as they were."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.errors import DomainError
from metropoli.common.history import ChangeRecord, history_of
from metropoli.common.stale import form_version
from metropoli.common.testing import signed_in
from metropoli.participation import proceeding_templates
from metropoli.participation.models import Category, Phase, Proceeding, ProceedingTemplate
from metropoli.territory.models import Role

from .conftest import make_proceeding

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}
LIST = "/participa/plantillas/"


def page_of(template: ProceedingTemplate) -> str:
    return f"/participa/plantillas/{template.pk}/"


@pytest.fixture
def staff(guadalajara):
    return person_with(Role.MUNICIPAL_STAFF, guadalajara)


@pytest.fixture
def saved(staff, guadalajara) -> ProceedingTemplate:
    """A template Guadalajara's staff saved from their consultation: one phase, two categories."""
    proceeding = make_proceeding(guadalajara)
    return proceeding_templates.save_as_template(
        actor=staff, proceeding=proceeding, name="Arbolado de barrio", description="Para barrios"
    )


@pytest.fixture
def platform_template() -> ProceedingTemplate:
    return ProceedingTemplate.objects.create(
        name="Consulta en corredor",
        description="De la plataforma",
        phases=[{"kind": "information", "days": 14}, {"kind": "contributions", "days": 30}],
        categories=[{"name": "Falta sombra", "icon": "shade", "colour": "#2e7d32"}],
    )


def state():
    """Everything a refused request must leave as it was."""
    return (
        list(ProceedingTemplate.objects.order_by("pk").values()),
        ChangeRecord.objects.count(),
        list(Proceeding.objects.order_by("pk").values_list("pk", "template_id")),
        Phase.objects.count(),
        Category.objects.count(),
    )


def version_on(client: Client, template: ProceedingTemplate) -> str:
    """The version the edit page's forms carry, read from the page as a browser would."""
    page = client.get(page_of(template), headers=ES).content.decode()
    return page.split('name="version" value="', 1)[1].split('"', 1)[0]


def edit(client, template, seen: str, **values):
    data = {"action": "save", "version": seen, "template-name": template.name,
            "template-description": template.description} | values  # fmt: skip
    return client.post(page_of(template), data, headers=ES)


# --- who may ------------------------------------------------------------------------------------


def test_change_template_rule(saved, platform_template, guadalajara, zapopan):
    people = {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "arborist of the owner": person_with(Role.ARBORIST, guadalajara),
        "staff of another": person_with(Role.MUNICIPAL_STAFF, zapopan),
        "staff of the owner": person_with(Role.MUNICIPAL_STAFF, guadalajara),
        "administrator": person_with(Role.PLATFORM_ADMIN, None),
    }

    def allowed(template):
        return {
            n for n, p in people.items() if p.has_perm("participation.change_template", template)
        }

    assert allowed(saved) == {"staff of the owner", "administrator"}
    assert allowed(platform_template) == {"administrator"}


def test_a_template_belongs_to_the_municipality_of_the_consultation_saved(saved, guadalajara):
    assert saved.municipality == guadalajara
    assert saved.phases == [{"kind": "contributions", "days": 11, "allows_anonymous": True}]
    admin = person_with(Role.PLATFORM_ADMIN, None)
    metropolitan = make_proceeding(None, slug="metro")
    mine = proceeding_templates.save_as_template(actor=admin, proceeding=metropolitan, name="Metro")
    assert mine.municipality is None


def test_anonymous_is_sent_to_log_in_and_citizens_are_refused(saved):
    before = state()
    for path in (LIST, page_of(saved)):
        answer = Client().get(path, headers=ES)
        assert answer.status_code == 302 and answer["Location"].startswith("/cuentas/entrar")
    posted = Client().post(page_of(saved), {"action": "delete"}, headers=ES)
    assert posted.status_code == 302 and posted["Location"].startswith("/cuentas/entrar")
    citizen = signed_in(UserFactory())
    assert citizen.get(LIST, headers=ES).status_code == 403
    assert citizen.get(page_of(saved), headers=ES).status_code == 403
    refused = citizen.post(page_of(saved), {"action": "delete", "version": form_version(saved)})
    assert refused.status_code == 403
    assert state() == before


def test_staff_of_another_municipality_see_the_template_but_cannot_change_it(saved, zapopan):
    other = signed_in(person_with(Role.MUNICIPAL_STAFF, zapopan))
    listed = other.get(LIST, headers=ES).content.decode()
    assert "Arbolado de barrio" in listed and "Guardada por Guadalajara" in listed
    assert page_of(saved) not in listed  # no edit link
    before = state()
    assert other.get(page_of(saved), headers=ES).status_code == 403
    seen = form_version(saved)
    for data in (
        {"action": "save", "version": seen, "template-name": "Robada"},
        {"action": "remove_category", "version": seen, "index": "0"},
        {"action": "delete", "version": seen},
    ):
        refused = other.post(page_of(saved), data, headers=ES)
        assert refused.status_code == 403
        assert (
            "Solo el personal del municipio que guardó esta plantilla" in refused.content.decode()
        )
    assert state() == before
    with pytest.raises(DomainError) as denied:
        proceeding_templates.delete_template(
            actor=person_with(Role.MUNICIPAL_STAFF, zapopan), template=saved, seen_version=seen
        )
    assert denied.value.code == "permission_denied"


def test_the_platforms_templates_are_changed_by_administrators_only(staff, platform_template):
    client = signed_in(staff)
    listed = client.get(LIST, headers=ES).content.decode()
    assert "Plantilla de la plataforma" in listed and page_of(platform_template) not in listed
    assert client.get(page_of(platform_template), headers=ES).status_code == 403
    admin = signed_in(person_with(Role.PLATFORM_ADMIN, None))
    assert page_of(platform_template) in admin.get(LIST, headers=ES).content.decode()
    seen = version_on(admin, platform_template)
    answer = edit(admin, platform_template, seen, **{"template-name": "Corredor (4 fases)"})
    assert answer.status_code == 302
    assert ProceedingTemplate.objects.get(pk=platform_template.pk).name == "Corredor (4 fases)"


# --- editing ------------------------------------------------------------------------------------


def test_staff_rename_and_describe_their_template(staff, saved):
    client = signed_in(staff)
    page = client.get(page_of(saved), headers=ES).content.decode()
    assert "Plantilla: Arbolado de barrio" in page and "0 consultas iniciadas con ella" in page
    answer = edit(
        client, saved, version_on(client, saved),
        **{"template-name": "  Arbolado   de colonia ", "template-description": "Para colonias"},
    )  # fmt: skip
    assert answer.status_code == 302 and answer["Location"] == page_of(saved)
    saved.refresh_from_db()
    assert (saved.name, saved.description) == ("Arbolado de colonia", "Para colonias")
    record = history_of(ProceedingTemplate, saved.pk).get(action="update")
    assert record.changed_by == staff
    assert {c["field"] for c in record.changes} == {"name", "description"}
    assert "Se guardó la plantilla." in client.get(page_of(saved), headers=ES).content.decode()


def test_a_name_another_template_has_is_refused_naming_it(staff, saved, platform_template):
    client = signed_in(staff)
    before = state()
    answer = edit(client, saved, form_version(saved), **{"template-name": "CONSULTA en  corredor"})
    assert answer.status_code == 409
    assert "Ya hay una plantilla llamada «Consulta en corredor»" in answer.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    ("values", "status", "message"),
    [
        ({"template-name": "x" * 10_000}, 400, "120"),
        ({"template-name": ""}, 400, "Este campo es obligatorio"),
        ({"template-name": "   "}, 400, "Este campo es obligatorio"),
        ({"template-description": "d" * 2001}, 400, "2000"),
        ({"version": "NaN"}, 409, "Alguien más cambió esta plantilla"),
        ({"version": ""}, 409, "Alguien más cambió esta plantilla"),
        ({"action": "launch"}, 400, "Acción desconocida"),
    ],
)
def test_bad_input_is_refused_in_spanish_with_nothing_stored(staff, saved, values, status, message):
    client = signed_in(staff)
    before = state()
    answer = edit(client, saved, form_version(saved), **{"template-name": "Otro nombre"} | values)
    assert answer.status_code == status
    page = answer.content.decode()
    assert message in page and '<html lang="es-mx">' in page
    assert state() == before


@pytest.mark.parametrize("index", ["NaN", "-1", "2", "99999999999999999999", "", "1.5"])
def test_an_unknown_phase_or_category_is_refused(staff, saved, index):
    client = signed_in(staff)
    before = state()
    answer = client.post(
        page_of(saved),
        {"action": "remove_category", "version": form_version(saved), "index": index},
        headers=ES,
    )
    assert answer.status_code == 400
    assert "La plantilla no tiene esa fase o categoría" in answer.content.decode()
    assert state() == before


def test_phases_and_categories_are_removed_one_by_one_but_one_stays(staff, saved):
    client = signed_in(staff)
    removed = client.post(
        page_of(saved),
        {"action": "remove_category", "version": version_on(client, saved), "index": "0"},
        headers=ES,
        follow=True,
    )
    assert "Se quitó la categoría «Sombra» de la plantilla." in removed.content.decode()
    saved.refresh_from_db()
    assert [c["name"] for c in saved.categories] == ["Banquetas"]
    phase = client.post(
        page_of(saved),
        {"action": "remove_phase", "version": version_on(client, saved), "index": "0"},
        headers=ES,
    )
    assert phase.status_code == 302
    saved.refresh_from_db()
    assert saved.phases == [] and len(saved.categories) == 1
    before = state()
    last = client.post(
        page_of(saved),
        {"action": "remove_category", "version": version_on(client, saved), "index": "0"},
        headers=ES,
    )
    assert last.status_code == 409
    assert "Una plantilla conserva al menos una fase o categoría" in last.content.decode()
    assert state() == before


def test_a_template_written_oddly_in_the_admin_is_shown_and_corrected(platform_template):
    platform_template.phases = [{"kind": "information", "days": "x"}, "basura"]
    platform_template.categories = [{"name": "A", "icon": "../../secreto", "colour": "red"}]
    platform_template.save()
    admin = signed_in(person_with(Role.PLATFORM_ADMIN, None))
    listed = admin.get(LIST, headers=ES).content.decode()
    assert "Información · 0 días" in listed and "icons/idea.svg" in listed
    assert "secreto" not in listed and 'data-colour="red"' not in listed
    answer = admin.post(
        page_of(platform_template),
        {"action": "remove_phase", "version": version_on(admin, platform_template), "index": "1"},
        headers=ES,
    )
    assert answer.status_code == 302
    platform_template.refresh_from_db()
    assert platform_template.phases == [{"kind": "information", "days": "x"}]


# --- two people at once -------------------------------------------------------------------------


def test_two_people_editing_one_template_the_second_save_is_refused(saved, guadalajara):
    ana = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    luis = signed_in(person_with(Role.MUNICIPAL_STAFF, guadalajara))
    ana_saw, luis_saw = version_on(ana, saved), version_on(luis, saved)
    assert ana_saw == luis_saw == form_version(saved)
    assert edit(ana, saved, ana_saw, **{"template-name": "Arbolado (Ana)"}).status_code == 302
    after_ana = state()
    # Luis saves from the version before Ana's: refused, and nothing of his is stored.
    refused = edit(luis, saved, luis_saw, **{"template-name": "Arbolado (Luis)"})
    assert refused.status_code == 409
    assert state() == after_ana
    page = refused.content.decode()
    assert "Alguien más cambió esta plantilla mientras la editabas" in page
    assert 'value="Arbolado (Ana)"' in page and "Arbolado (Luis)" not in page
    fresh = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    assert fresh == form_version(ProceedingTemplate.objects.get(pk=saved.pk)) != luis_saw
    # Removing a category, or deleting, from the old version is refused too.
    for data in ({"action": "remove_category", "index": "0"}, {"action": "delete"}):
        stale = luis.post(page_of(saved), data | {"version": luis_saw}, headers=ES)
        assert stale.status_code == 409
    assert state() == after_ana
    # Made again from what the page now shows, Luis's change is saved.
    again = edit(luis, ProceedingTemplate.objects.get(pk=saved.pk), fresh,
                 **{"template-name": "Arbolado (Luis)"})  # fmt: skip
    assert again.status_code == 302
    assert ProceedingTemplate.objects.get(pk=saved.pk).name == "Arbolado (Luis)"


def test_the_same_form_sent_twice_is_no_conflict(staff, saved):
    client = signed_in(staff)
    seen = version_on(client, saved)
    assert edit(client, saved, seen, **{"template-name": "Otro"}).status_code == 302
    assert edit(client, saved, seen, **{"template-name": "Otro"}).status_code == 302
    assert history_of(ProceedingTemplate, saved.pk).filter(action="update").count() == 1


# --- deleting -----------------------------------------------------------------------------------


def test_deleting_a_template_leaves_its_consultations_as_they_were(staff, saved, guadalajara):
    client = signed_in(staff)
    started = client.post(
        "/participa/gestion/nueva/",
        {"owner": str(guadalajara.pk), "template": str(saved.pk), "title": "Barrio Santa Tere",
         "description": "D", "area": (
             '{"type": "Polygon", "coordinates": [[[-103.36, 20.66], [-103.34, 20.66], '
             '[-103.34, 20.68], [-103.36, 20.68], [-103.36, 20.66]]]}')},
    )  # fmt: skip
    assert started.status_code == 302
    proceeding = Proceeding.objects.get(slug="barrio-santa-tere")
    phases = list(proceeding.phases.values_list("kind", "start", "end"))
    categories = list(proceeding.categories.values_list("name", "icon", "colour"))
    assert "1 consulta iniciada con ella" in client.get(page_of(saved), headers=ES).content.decode()
    deleted = client.post(
        page_of(saved), {"action": "delete", "version": version_on(client, saved)}, headers=ES
    )
    assert deleted.status_code == 302 and deleted["Location"] == LIST
    assert not ProceedingTemplate.objects.filter(pk=saved.pk).exists()
    assert list(proceeding.phases.values_list("kind", "start", "end")) == phases
    assert list(proceeding.categories.values_list("name", "icon", "colour")) == categories
    assert history_of(ProceedingTemplate, saved.pk).filter(action="delete").count() == 1
    listed = client.get(LIST, headers=ES).content.decode()
    assert "Se eliminó la plantilla «Arbolado de barrio»" in listed
    # A second click finds it gone: back to the list, saying so.
    again = client.post(page_of(saved), {"action": "delete", "version": "x"}, follow=True)
    assert "Esa plantilla ya no existe." in again.content.decode()
    assert client.get(page_of(saved), headers=ES).status_code == 404


def test_the_setup_pages_link_to_the_templates(staff, saved):
    client = signed_in(staff)
    for path in (
        "/participa/gestion/",
        "/participa/gestion/nueva/",
        "/participa/prueba/configurar/",
    ):
        assert f'href="{LIST}"' in client.get(path, headers=ES).content.decode(), path
