import pytest

from metropoli.common.testing import ITREE_TABLES, need_shared
from metropoli.trees import services as tree_services
from metropoli.trees.inventory import load_species
from metropoli.trees.models import Species


@pytest.fixture
def itree(settings):
    """The shared i-Tree tables (../shared/itree/tables), as in development and CI."""
    need_shared(ITREE_TABLES, variable="METROPOLI_ITREE_DIR")
    settings.METROPOLI_ITREE_DIR = str(ITREE_TABLES)
    settings.BENEFITS_DEFAULT_REGION = "InlEmpCLM"
    settings.BENEFITS_MXN_PER_USD = 18.0
    return ITREE_TABLES


@pytest.fixture
def no_itree(settings):
    settings.METROPOLI_ITREE_DIR = ""


@pytest.fixture
def species(db):
    load_species()
    # A species the tables do not know: its trees get no_itree_code.
    Species.objects.update_or_create(
        code="AMG-TEST", defaults={"scientific_name": "Testia imaginaria"}
    )
    return {s.code: s for s in Species.objects.all()}


@pytest.fixture
def plant(guadalajara, species):
    """plant(species_code, dbh_cm, municipality=guadalajara) -> Tree, through the trees services."""

    def _plant(code, dbh, municipality=None):
        where = municipality or guadalajara
        return tree_services.register_tree(
            lon=where.seat.x, lat=where.seat.y, recorded_by=None, species_code=code, dbh_cm=dbh
        ).tree

    return _plant
