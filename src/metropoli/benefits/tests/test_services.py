"""Computing, storing and recomputing per-tree benefits."""

import math

import pytest

from metropoli.benefits import results, services
from metropoli.benefits.calculation import AIR_QUALITY_FACTORS, KBTU_TO_KWH
from metropoli.benefits.data import default_rates
from metropoli.benefits.errors import BenefitsErrorCode
from metropoli.benefits.models import (
    BenefitRollup,
    BenefitSettings,
    SpeciesOverride,
    TreeBenefit,
)
from metropoli.benefits.selectors import summarise
from metropoli.common.errors import DomainError
from metropoli.trees.ecobenefits import FACTORS, compute_tree, load_tables
from metropoli.trees.models import Tree
from metropoli.trees.selectors import TreeFilters

pytestmark = pytest.mark.django_db


@pytest.fixture
def tables(itree):
    return load_tables(itree, regions=["InlEmpCLM", "SWDsrtGDL"])


def test_stored_values_are_the_engine_values_and_money_follows_the_rates(itree, tables, plant):
    tree = plant("JAMI", "30.0")
    results.recompute_trees(tree_ids=[tree.pk])
    stored = TreeBenefit.objects.get(tree=tree)
    expected = compute_tree(tables, "InlEmpCLM", "JAMI", 30.0)
    assert stored.status == "ok"
    assert (stored.region, stored.itree_code) == ("InlEmpCLM", "JAMI")
    for factor in FACTORS:
        assert getattr(stored, factor) == expected.values[factor]
    v = expected.values
    assert stored.energy_kwh == pytest.approx(v["electricity"] + v["natural_gas"] * KBTU_TO_KWH)
    assert stored.air_quality_kg == pytest.approx(sum(v[f] for f in AIR_QUALITY_FACTORS))
    assert stored.co2_kg == pytest.approx(v["co2_sequestered"] + v["co2_avoided"])
    rates = default_rates("InlEmpCLM")
    assert rates["electricity_mxn_per_kwh"] == pytest.approx(0.20148 * 18.0)
    assert stored.money_energy == pytest.approx(
        v["electricity"] * rates["electricity_mxn_per_kwh"]
        + v["natural_gas"] * rates["natural_gas_mxn_per_kbtu"]
    )
    assert stored.money_stormwater == pytest.approx(
        v["hydro_interception"] * rates["water_mxn_per_m3"]
    )
    assert stored.money_co2_stored == pytest.approx(v["co2_storage"] * rates["co2_mxn_per_kg"])
    assert stored.money_yearly == pytest.approx(
        stored.money_energy + stored.money_stormwater + stored.money_air_quality + stored.money_co2
    )


def test_statuses_for_trees_that_cannot_be_computed(itree, plant, zapopan):
    no_species = plant(None, "20")
    no_dbh = plant("JAMI", None)
    unknown_curve = plant("AMG-TEST", "20")
    BenefitSettings.objects.create(
        municipality=zapopan, region="Atlantis", **default_rates("InlEmpCLM")
    )
    bad_region = plant("JAMI", "20", municipality=zapopan)
    results.recompute_all()
    statuses = dict(TreeBenefit.objects.values_list("tree_id", "status"))
    assert statuses == {
        no_species.pk: "missing_species",
        no_dbh.pk: "missing_dbh",
        unknown_curve.pk: "no_itree_code",
        bad_region.pk: "invalid_region",
    }
    assert TreeBenefit.objects.filter(money_yearly__isnull=False).count() == 0


def test_aggregates_equal_the_sum_of_per_tree_values(itree, plant, zapopan):
    trees = [plant(code, dbh) for code, dbh in [("JAMI", "3"), ("JAMI", "57.2"), ("FRUH", "150")]]
    trees.append(plant("JAMI", "80", municipality=zapopan))
    trees.append(plant(None, "10"))
    result = results.recompute_all(batch_size=2)
    assert (result.trees, result.computed, result.batches) == (5, 4, 3)
    summary = summarise(TreeFilters())
    assert summary.overall.total == 5
    assert summary.overall.computed == 4
    assert summary.overall.statuses["missing_species"] == 1
    ok = TreeBenefit.objects.filter(status="ok")
    for column in ("energy_kwh", "stormwater_m3", "co2_stored_kg", "money_yearly"):
        per_tree = math.fsum(getattr(b, column) for b in ok)
        assert summary.overall.sums[column] == pytest.approx(per_tree, rel=1e-12)
        assert math.fsum(b.sums[column] for b in summary.by_species) == pytest.approx(per_tree)
        assert math.fsum(b.sums[column] for b in summary.by_municipality) == pytest.approx(per_tree)
    by_muni = {b.key: (b.computed, b.total) for b in summary.by_municipality}
    assert by_muni == {"14039": (3, 4), "14120": (1, 1)}


def test_hook_recomputes_after_commit(itree, plant, django_capture_on_commit_callbacks):
    tree = plant("JAMI", "20")
    results.recompute_trees(tree_ids=[tree.pk])
    before = TreeBenefit.objects.get(tree=tree).co2_storage
    Tree.objects.filter(pk=tree.pk).update(dbh_cm="60.0")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.tree_inputs_changed(tree_ids=[tree.pk])
    assert len(callbacks) == 1
    after = TreeBenefit.objects.get(tree=tree)
    assert after.dbh_cm == 60.0
    assert after.co2_storage > before


def test_settings_change_recomputes_the_municipality(
    itree, plant, guadalajara, django_capture_on_commit_callbacks
):
    tree = plant("JAMI", "40")
    results.recompute_all()
    old = TreeBenefit.objects.get(tree=tree)
    rates = default_rates("InlEmpCLM") | {"electricity_mxn_per_kwh": 10.0}
    with django_capture_on_commit_callbacks(execute=True):
        services.update_settings(
            municipality=guadalajara, region="SWDsrtGDL", rates=rates, changed_by=None
        )
    new = TreeBenefit.objects.get(tree=tree)
    assert new.region == "SWDsrtGDL"
    assert new.fingerprint != old.fingerprint
    assert new.money_energy == pytest.approx(
        new.electricity * 10.0 + new.natural_gas * rates["natural_gas_mxn_per_kbtu"]
    )
    assert BenefitSettings.objects.get(municipality=guadalajara).rates_are_defaults is False


def test_refused_settings_change_leaves_everything_unchanged(itree, guadalajara):
    services.update_settings(
        municipality=guadalajara, region="InlEmpCLM", rates=None, changed_by=None
    )
    bad = default_rates("InlEmpCLM") | {"co2_mxn_per_kg": -1}
    with pytest.raises(DomainError) as negative:
        services.update_settings(
            municipality=guadalajara, region="SWDsrtGDL", rates=bad, changed_by=None
        )
    assert negative.value.code == BenefitsErrorCode.INVALID_RATE
    assert negative.value.params == {"name": "co2_mxn_per_kg"}
    with pytest.raises(DomainError) as unknown:
        services.update_settings(
            municipality=guadalajara, region="Atlantis", rates=None, changed_by=None
        )
    assert unknown.value.code == BenefitsErrorCode.UNKNOWN_REGION
    current = BenefitSettings.objects.get(municipality=guadalajara)
    assert (current.region, current.rates_are_defaults) == ("InlEmpCLM", True)


def test_species_override_changes_the_curve(
    itree, plant, guadalajara, species, django_capture_on_commit_callbacks
):
    tree = plant("AMG-TEST", "25")
    results.recompute_all()
    assert TreeBenefit.objects.get(tree=tree).status == "no_itree_code"
    with django_capture_on_commit_callbacks(execute=True):
        services.set_species_override(
            municipality=guadalajara,
            species=species["AMG-TEST"],
            itree_code="BDL OTHER",
            changed_by=None,
        )
    stored = TreeBenefit.objects.get(tree=tree)
    assert (stored.status, stored.itree_code) == ("ok", "BDL OTHER")
    with pytest.raises(DomainError) as refused:
        services.set_species_override(
            municipality=guadalajara, species=species["JAMI"], itree_code="NOPE", changed_by=None
        )
    assert refused.value.code == BenefitsErrorCode.UNKNOWN_ITREE_CODE
    assert SpeciesOverride.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_species_override(
            municipality=guadalajara, species=species["AMG-TEST"], changed_by=None
        )
    assert TreeBenefit.objects.get(tree=tree).status == "no_itree_code"


def test_without_the_tables_nothing_is_enqueued_and_recompute_refuses(
    no_itree, plant, django_capture_on_commit_callbacks
):
    tree = plant("JAMI", "20")
    with django_capture_on_commit_callbacks() as callbacks:
        services.tree_inputs_changed(tree_ids=[tree.pk])
    assert callbacks == []
    from metropoli.benefits.data import ItreeDataMissing

    with pytest.raises(ItreeDataMissing):
        results.recompute_all()
    assert not TreeBenefit.objects.exists()


def test_local_species_without_itree_mapping_use_their_generic_class(itree, plant):
    tree = plant("FIBE", "40")
    results.recompute_trees(tree_ids=[tree.pk])
    stored = TreeBenefit.objects.get(tree=tree)
    assert (stored.status, stored.itree_code) == ("ok", "BEL OTHER")


def test_trees_services_trigger_the_recompute(
    itree, guadalajara, species, django_capture_on_commit_callbacks
):
    from metropoli.trees import services as tree_services

    with django_capture_on_commit_callbacks(execute=True):
        tree = tree_services.register_tree(
            lon=guadalajara.seat.x,
            lat=guadalajara.seat.y,
            recorded_by=None,
            species_code="JAMI",
            dbh_cm="20",
        ).tree
    first = TreeBenefit.objects.get(tree=tree)
    assert (first.status, first.dbh_cm) == ("ok", 20.0)
    with django_capture_on_commit_callbacks(execute=True):
        tree_services.update_tree(tree=tree, changed_by=None, changes={"dbh_cm": "55"})
    assert TreeBenefit.objects.get(tree=tree).dbh_cm == 55.0
    with django_capture_on_commit_callbacks(execute=True):
        tree_services.update_tree(tree=tree, changed_by=None, changes={"species_code": None})
    assert TreeBenefit.objects.get(tree=tree).status == "missing_species"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tree_services.update_tree(tree=tree, changed_by=None, changes={"notes": "x"})
    # A change that does not affect the benefits enqueues nothing (the map's version moves).
    assert [c for c in callbacks if not hasattr(c, "layer")] == []
    with django_capture_on_commit_callbacks(execute=True):
        tree_services.delete_tree(tree=tree, deleted_by=None)
    assert not TreeBenefit.objects.exists()
    assert not BenefitRollup.objects.exists()


def _rollup_snapshot():
    return {
        (r.municipality_id, r.species_key, r.status): (r.trees, round(r.money_yearly, 6))
        for r in BenefitRollup.objects.all()
    }


def test_rollup_follows_every_change_and_equals_a_recount(
    itree, plant, zapopan, django_capture_on_commit_callbacks
):
    trees = [plant("JAMI", "30"), plant("FRUH", "12"), plant(None, "5")]
    trees.append(plant("JAMI", "70", municipality=zapopan))
    results.recompute_all()
    Tree.objects.filter(pk=trees[0].pk).update(dbh_cm="90", species=trees[1].species)
    Tree.objects.filter(pk=trees[2].pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        services.tree_inputs_changed(tree_ids=[trees[0].pk, trees[2].pk])
    incremental = _rollup_snapshot()
    results.rebuild_rollup()
    assert incremental == _rollup_snapshot()
    assert sum(n for n, _money in incremental.values()) == 3


def test_rollup_and_scan_paths_agree(itree, plant, guadalajara, zapopan):
    from datetime import UTC, datetime

    from metropoli.benefits.selectors import rollup_answers

    for code, dbh in [("JAMI", "30"), ("FRUH", "12"), (None, "5"), ("JAMI", None)]:
        plant(code, dbh)
    plant("JAMI", "70", municipality=zapopan)
    results.recompute_all()
    species_ids = tuple(Tree.objects.exclude(species=None).values_list("species_id", flat=True))
    for base in (
        TreeFilters(),
        TreeFilters(municipality_ids=(guadalajara.pk,)),
        TreeFilters(species_ids=species_ids[:1], unknown_species=True),
    ):
        assert rollup_answers(base)
        # The same trees through the scan path: a filter the rollup cannot answer.
        scan = TreeFilters(
            municipality_ids=base.municipality_ids,
            species_ids=base.species_ids,
            unknown_species=base.unknown_species,
            since=datetime(2000, 1, 1, tzinfo=UTC),
        )
        assert not rollup_answers(scan)
        a, b = summarise(base), summarise(scan)
        assert (a.overall.total, a.overall.statuses) == (b.overall.total, b.overall.statuses)
        assert a.overall.sums == pytest.approx(b.overall.sums)
        assert [(x.key, x.total) for x in a.by_species] == [(x.key, x.total) for x in b.by_species]
