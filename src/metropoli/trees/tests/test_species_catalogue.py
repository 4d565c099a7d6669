"""The species catalogue in the product (decision 0107): a public list with search, and adding
and correcting a species for who looks after the trees of some municipality; every write through
the services, checked, in the history, and nothing stored on a refusal."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.common.errors import DomainError
from metropoli.common.history import ChangeRecord, history_of
from metropoli.common.stale import form_version
from metropoli.common.testing import ITREE_TABLES, need_shared, signed_in
from metropoli.territory.models import Role
from metropoli.trees import species as catalogue
from metropoli.trees.errors import SpeciesErrorCode
from metropoli.trees.models import Species, Tree

from .factories import SpeciesFactory, jacaranda, make_tree

pytestmark = pytest.mark.django_db
ES = {"Accept-Language": "es-MX"}
NEW = "/arbol/especies/nueva"


def edit_url(species: Species) -> str:
    return f"/arbol/especies/{species.code}/editar"


@pytest.fixture
def people(guadalajara, zapopan):
    return {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "expert": person_with(Role.CERTIFIED_EXPERT, zapopan),
        "staff": person_with(Role.MUNICIPAL_STAFF, guadalajara),
        "arborist": person_with(Role.ARBORIST, zapopan),
        "admin": person_with(Role.PLATFORM_ADMIN),
    }


@pytest.fixture
def itree(settings):
    need_shared(ITREE_TABLES, variable="METROPOLI_ITREE_DIR")
    settings.METROPOLI_ITREE_DIR = str(ITREE_TABLES)


@pytest.fixture
def no_itree(settings):
    settings.METROPOLI_ITREE_DIR = ""


def form(**values) -> dict:
    data = {
        "scientific_name": "Tabebuia impetiginosa",
        "common_name_es": "Amapa morada",
        "other_names_es": "",
        "common_name_en": "Pink trumpet tree",
        "genus": "",
        "species": "",
        "cultivar": "",
        "itree_code": "",
        "code": "",
    }
    return data | values


def edit_form(seen: Species, **values) -> dict:
    """The edit form as its page fills it in: with the version of the species now."""
    return form(**values) | {"version": form_version(Species.objects.get(pk=seen.pk))}


def catalogue_state():
    return (
        list(Species.objects.order_by("pk").values()),
        ChangeRecord.objects.count(),
    )


# --- who may ------------------------------------------------------------------------------------


def test_change_species_rule(people):
    allowed = {n for n, user in people.items() if user.has_perm("trees.change_species")}
    assert allowed == {"staff", "arborist", "admin"}


def test_anonymous_is_sent_to_log_in_and_a_citizen_or_expert_is_refused(people):
    jacaranda()
    before = catalogue_state()
    for url in (NEW, edit_url(Species.objects.get(code="JAMI"))):
        response = Client().post(url, form(), headers=ES)
        assert response.status_code == 302
        assert response["Location"].startswith("/cuentas/entrar")
        for name in ("citizen", "expert"):
            client = signed_in(people[name])
            assert client.get(url, headers=ES).status_code == 403
            refused = client.post(url, form(scientific_name="Quercus rugosa"), headers=ES)
            assert refused.status_code == 403
            assert "Solo el personal y los arbolistas" in refused.content.decode()
    assert catalogue_state() == before


def test_the_service_refuses_a_citizen_too(people):
    with pytest.raises(DomainError) as refused:
        catalogue.create_species(created_by=people["citizen"], scientific_name="Quercus rugosa")
    assert refused.value.code == SpeciesErrorCode.NOT_ALLOWED
    assert not Species.objects.exists()


@pytest.mark.parametrize("who", ["arborist", "staff", "admin"])
def test_an_arborist_staff_or_administrator_adds_a_species(people, who):
    client = signed_in(people[who])
    assert client.get(NEW, headers=ES).status_code == 200
    response = client.post(NEW, form(), headers=ES)
    assert response.status_code == 302
    added = Species.objects.get(scientific_name="Tabebuia impetiginosa")
    assert response["Location"] == "/arbol/especies/?q=AMG-TAIM"
    assert (added.code, added.genus, added.species) == ("AMG-TAIM", "Tabebuia", "impetiginosa")
    assert (added.common_name_es, added.common_name_en, added.itree_code) == (
        "Amapa morada",
        "Pink trumpet tree",
        None,
    )
    record = history_of(Species, added.pk).get()
    assert record.action == "create" and record.changed_by == people[who]
    assert {c["field"]: c["new"] for c in record.changes}["scientific_name"] == (
        "Tabebuia impetiginosa"
    )
    listed = client.get(response["Location"], headers=ES).content.decode()
    assert "Amapa morada (Tabebuia impetiginosa) se agregó al catálogo." in listed


# --- validation, in Spanish, nothing stored ---------------------------------------------------


def refused_page(client, url, data) -> str:
    before = catalogue_state()
    response = client.post(url, data, headers=ES)
    assert response.status_code == 400
    assert catalogue_state() == before
    return response.content.decode()


def test_scientific_name_required_in_spanish(people):
    page = refused_page(signed_in(people["arborist"]), NEW, form(scientific_name="   "))
    assert "Escribe el nombre científico de la especie." in page


def test_a_duplicate_scientific_name_is_refused_naming_the_existing_species(people):
    jacaranda()
    page = refused_page(
        signed_in(people["staff"]), NEW, form(scientific_name="jacaranda  Mimosifolia")
    )
    assert (
        "El catálogo ya tiene este nombre científico: Jacaranda (Jacaranda mimosifolia) "
        "(clave JAMI)."
    ) in page


def test_renaming_onto_another_species_name_is_refused(people):
    jacaranda()
    other = SpeciesFactory(code="FRUH", scientific_name="Fraxinus uhdei")
    client = signed_in(people["arborist"])
    page = refused_page(
        client, edit_url(other), edit_form(other, scientific_name="Jacaranda mimosifolia")
    )
    assert "El catálogo ya tiene este nombre científico" in page


def test_a_code_is_unique_and_well_formed(people):
    jacaranda()
    client = signed_in(people["arborist"])
    page = refused_page(client, NEW, form(code="jami"))
    assert "La clave JAMI ya la usa Jacaranda (Jacaranda mimosifolia). Elige otra." in page
    page = refused_page(client, NEW, form(code="TA IM"))
    assert "Una clave tiene de 1 a 20 letras (A–Z), dígitos o guiones" in page
    assert client.post(NEW, form(code="taim-x"), headers=ES).status_code == 302
    assert Species.objects.filter(code="TAIM-X").exists()


def test_generated_codes_are_numbered_when_taken():
    SpeciesFactory(code="AMG-TARO", scientific_name="Tabebuia rosea")
    made = catalogue.create_species(created_by=None, scientific_name="Tabebuia roseo-alba")
    assert made.code == "AMG-TARO2"
    assert catalogue.new_species_code("Ceiba × speciosa") == "AMG-CESP"
    assert catalogue.new_species_code("Árbol") == "AMG-ARBO"


def test_too_long_names_are_refused_by_the_form_and_by_the_service(people):
    client = signed_in(people["arborist"])
    page = refused_page(client, NEW, form(common_name_es="a" * 161))
    assert "160" in page
    with pytest.raises(DomainError) as refused:
        catalogue.create_species(created_by=None, scientific_name="Q" * 161)
    assert refused.value.code == SpeciesErrorCode.TOO_LONG
    assert not Species.objects.exists()


def test_control_characters_are_refused_at_the_edge(people):
    before = catalogue_state()
    response = signed_in(people["arborist"]).post(
        NEW, form(common_name_es="Amapa\x00morada"), headers=ES
    )
    assert response.status_code == 400
    assert catalogue_state() == before


def test_the_code_is_stable_once_set(people):
    species = jacaranda()
    client = signed_in(people["arborist"])
    # The edit form has no code field: a code sent anyway is not read.
    response = client.post(edit_url(species), edit_form(species, code="OTRO",
                           scientific_name=species.scientific_name), headers=ES)  # fmt: skip
    assert response.status_code == 302
    assert Species.objects.get(pk=species.pk).code == "JAMI"
    with pytest.raises(DomainError) as refused:
        catalogue.update_species(species=species, changed_by=None, changes={"code": "OTRO"})
    assert refused.value.code == SpeciesErrorCode.CODE_IS_STABLE


# --- i-Tree codes: the eco-benefit tables' list -------------------------------------------------


def test_itree_code_must_be_one_the_tables_have(people, itree):
    client = signed_in(people["arborist"])
    page = refused_page(client, NEW, form(itree_code="NOPE-NOPE"))
    assert "«NOPE-NOPE» no es un código de especie de las tablas de i-Tree" in page
    page = refused_page(client, NEW, form(itree_code="JAMX"))
    assert "¿Quisiste decir" in page and "JAMI" in page
    assert client.post(NEW, form(itree_code="bdl other"), headers=ES).status_code == 302
    assert Species.objects.get(code="AMG-TAIM").itree_code == "BDL OTHER"


def test_without_tables_an_itree_code_cannot_be_checked_but_other_edits_go_on(people, no_itree):
    species = SpeciesFactory(code="OLD", scientific_name="Vetus arbor", itree_code="JAMI")
    client = signed_in(people["arborist"])
    page = refused_page(client, NEW, form(itree_code="JAMI"))
    assert "Las tablas de i-Tree no están instaladas en este servidor" in page
    # An i-Tree code already stored and left as it is does not stop a correction of the names.
    response = client.post(
        edit_url(species),
        edit_form(
            species, scientific_name="Vetus arbor", common_name_es="Árbol viejo", itree_code="JAMI"
        ),
        headers=ES,
    )
    assert response.status_code == 302
    assert Species.objects.get(pk=species.pk).common_name_es == "Árbol viejo"


# --- editing a species its trees use ----------------------------------------------------------


def test_editing_a_used_species_keeps_its_trees_and_records_the_change(people):
    tree = make_tree(UserFactory())
    species = tree.species
    client = signed_in(people["staff"])
    page = client.get(edit_url(species), headers=ES).content.decode()
    assert "1 árbol registrado" in page
    edited = edit_form(
        species,
        scientific_name="Jacaranda mimosifolia",
        genus="Jacaranda",
        species="mimosifolia",
        common_name_es="Jacarandá",
        other_names_es="Jacaranda azul",
        common_name_en="",
        is_local="on",
    )
    response = client.post(edit_url(species), edited, headers=ES)
    assert response.status_code == 302
    assert Tree.objects.get(pk=tree.pk).species_id == species.pk
    species.refresh_from_db()
    assert (species.common_name_es, species.other_names_es) == ("Jacarandá", "Jacaranda azul")
    record = history_of(Species, species.pk).get()
    changed = {c["field"]: (c["old"], c["new"]) for c in record.changes}
    assert changed == {
        "common_name_es": ("Jacaranda", "Jacarandá"),
        "other_names_es": ("", "Jacaranda azul"),
    }
    assert record.changed_by == people["staff"]
    # The edit page shows the change in words.
    page = client.get(edit_url(species), headers=ES).content.decode()
    assert "Nombre común (español):" in page and "Jacaranda → Jacarandá" in page
    # The same form sent again records nothing more.
    assert client.post(edit_url(species), edited, headers=ES).status_code == 302
    assert history_of(Species, species.pk).count() == 1
    # Genus and epithet left empty are read from the scientific name again.
    emptied = edited | {"genus": "", "species": "", "version": form_version(species)}
    assert client.post(edit_url(species), emptied, headers=ES).status_code == 302
    species.refresh_from_db()
    assert (species.genus, species.species) == ("Jacaranda", "mimosifolia")
    assert history_of(Species, species.pk).count() == 1


def opened_version(client, species: Species) -> str:
    """The version the edit page's form carries, read from the page as a browser would."""
    page = client.get(edit_url(species), headers=ES).content.decode()
    return page.split('name="version" value="', 1)[1].split('"', 1)[0]


def test_two_people_editing_one_species_the_second_save_is_refused(people):
    species = jacaranda()
    staff, arborist = signed_in(people["staff"]), signed_in(people["arborist"])
    # Both open the form of the same species.
    staff_saw, arborist_saw = opened_version(staff, species), opened_version(arborist, species)
    assert staff_saw == arborist_saw == form_version(species)
    first = form(scientific_name="Jacaranda mimosifolia", common_name_es="Jacarandá")
    saved_first = staff.post(edit_url(species), first | {"version": staff_saw}, headers=ES)
    assert saved_first.status_code == 302
    saved = catalogue_state()
    # The second save was made from the version before the first: refused, nothing stored.
    second = form(scientific_name="Jacaranda mimosifolia", common_name_es="Tabachín azul")
    refused = arborist.post(edit_url(species), second | {"version": arborist_saw}, headers=ES)
    assert refused.status_code == 409
    assert catalogue_state() == saved
    page = refused.content.decode()
    assert "Alguien más corrigió esta especie mientras la editabas" in page
    # The form shows the species as it is now, with its new version.
    assert 'value="Jacarandá"' in page and 'value="Tabachín azul"' not in page
    fresh = page.split('name="version" value="', 1)[1].split('"', 1)[0]
    assert fresh == form_version(Species.objects.get(pk=species.pk)) != arborist_saw
    # Made again from what is there now, the change is saved.
    again = arborist.post(edit_url(species), second | {"version": fresh}, headers=ES)
    assert again.status_code == 302
    assert Species.objects.get(pk=species.pk).common_name_es == "Tabachín azul"
    assert history_of(Species, species.pk).count() == 2


@pytest.mark.parametrize("version", ["", "NaN", "1e309", "x" * 10_000])
def test_a_missing_or_made_up_version_is_refused_as_stale(people, version):
    species = jacaranda()
    before = catalogue_state()
    data = form(scientific_name="Jacaranda mimosifolia", common_name_es="Otro")
    if version:
        data["version"] = version
    response = signed_in(people["staff"]).post(edit_url(species), data, headers=ES)
    assert response.status_code == 409
    assert catalogue_state() == before
    assert "x" * 300 not in response.content.decode()  # not shown back


def test_the_service_refuses_a_stale_version_and_scripts_may_do_without_one(people):
    species = jacaranda()
    seen = form_version(species)
    catalogue.update_species(
        species=species, changed_by=people["staff"], changes={"common_name_es": "A"},
        seen_version=seen,
    )  # fmt: skip
    with pytest.raises(DomainError) as refused:
        catalogue.update_species(
            species=species, changed_by=people["arborist"], changes={"common_name_es": "B"},
            seen_version=seen,
        )  # fmt: skip
    assert refused.value.code == "edited_meanwhile"
    assert Species.objects.get(pk=species.pk).common_name_es == "A"
    catalogue.update_species(species=species, changed_by=None, changes={"common_name_es": "C"})
    assert Species.objects.get(pk=species.pk).common_name_es == "C"


def test_an_unknown_species_page_is_404(people):
    assert signed_in(people["staff"]).get("/arbol/especies/NADA/editar").status_code == 404


# --- the public list ----------------------------------------------------------------------------


def test_catalogue_is_public_searchable_without_accents_and_counts_trees(people):
    make_tree(UserFactory())
    make_tree(UserFactory())
    SpeciesFactory(
        code="AMG-TARO",
        scientific_name="Tabebuia rosea",
        common_name_es="Rosa morada",
        other_names_es="Amapa; Maculís",
        is_local=True,
    )
    SpeciesFactory(code="QURU", scientific_name="Quercus rugosa", common_name_es="Encino")
    client = Client()

    def listed(query: str) -> list[str]:
        page = client.get("/arbol/especies/", {"q": query}, headers=ES)
        assert page.status_code == 200
        return [s.code for s in page.context["page"]]

    assert listed("") == ["JAMI", "AMG-TARO", "QURU"]  # local first, then by scientific name
    assert listed("maculis") == ["AMG-TARO"]  # an other local name, accent left out
    assert listed("ROSEA") == ["AMG-TARO"]
    assert listed("encino") == ["QURU"]
    assert listed("tabebuia morada") == ["AMG-TARO"]  # every word, in any field
    assert listed("baobab") == []
    page = client.get("/arbol/especies/", {"q": "jacaranda"}, headers=ES).content.decode()
    assert "2 árboles registrados" in page
    assert "Agregar una especie" not in page  # not for an anonymous visitor
    staff_page = signed_in(people["arborist"]).get("/arbol/especies/", headers=ES)
    assert "/arbol/especies/nueva" in staff_page.content.decode()
    assert "/arbol/especies/JAMI/editar" in staff_page.content.decode()


def test_catalogue_is_paginated_and_keeps_the_search():
    for n in range(35):
        SpeciesFactory(code=f"T{n:02}", scientific_name=f"Testia numero{n:02}")
    client = Client()
    first = client.get("/arbol/especies/", {"q": "testia"}, headers=ES)
    assert len(first.context["page"]) == 30
    assert "?q=testia&amp;page=2" in first.content.decode()
    second = client.get("/arbol/especies/", {"q": "testia", "page": "2"}, headers=ES)
    assert len(second.context["page"]) == 5


def test_the_map_page_and_the_capture_page_link_to_the_catalogue():
    for url in ("/arbol/", "/arbol/capturar"):
        assert 'href="/arbol/especies/"' in Client().get(url, headers=ES).content.decode()
