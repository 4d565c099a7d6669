import pytest

from metropoli.accounts.tests.factories import UserFactory, person_with
from metropoli.territory.models import Role
from metropoli.trees import services as tree_services
from metropoli.trees.models import Species

# Inside Guadalajara (near the cathedral).
GDL = (-103.3468, 20.6767)


@pytest.fixture
def species(db):
    jacaranda = Species.objects.create(
        code="JAMI",
        scientific_name="Jacaranda mimosifolia",
        common_name_es="Jacaranda",
        is_local=True,
    )
    tabachin = Species.objects.create(
        code="DERE", scientific_name="Delonix regia", common_name_es="Tabachín", is_local=True
    )
    return {"jacaranda": jacaranda, "tabachin": tabachin}


@pytest.fixture
def recorder(guadalajara):
    return UserFactory(
        email="registra@example.mx", display_name="Lupita", home_municipality=guadalajara
    )


@pytest.fixture
def make_tree(recorder, species):
    def make(lon=GDL[0], lat=GDL[1], by=None, species_code="JAMI", dbh_cm="30.0"):
        return tree_services.register_tree(
            lon=lon,
            lat=lat,
            recorded_by=by or recorder,
            species_code=species_code,
            dbh_cm=dbh_cm,
        ).tree

    return make


@pytest.fixture
def tree(make_tree):
    return make_tree()


@pytest.fixture
def expert(guadalajara):
    return person_with(Role.CERTIFIED_EXPERT, guadalajara, display_name="Experta Uno")


@pytest.fixture
def expert2(guadalajara):
    return person_with(Role.CERTIFIED_EXPERT, guadalajara, display_name="Experto Dos")


@pytest.fixture
def expert3(guadalajara):
    return person_with(Role.CERTIFIED_EXPERT, guadalajara, display_name="Experta Tres")


@pytest.fixture
def arborist(guadalajara):
    return person_with(Role.ARBORIST, guadalajara, display_name="Arbolista")


@pytest.fixture
def staff(guadalajara):
    return person_with(Role.MUNICIPAL_STAFF, guadalajara, display_name="Personal")
