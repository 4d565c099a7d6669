"""Eco-benefits of the tree inventory: per-municipality settings and per-tree stored results.

The numbers come from the pure engine `metropoli.trees.ecobenefits` (i-Tree Streets method);
this app decides which region and money rates apply, keeps one result row per tree, and sums
those rows for any filtered set of trees.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from metropoli.territory.models import Municipality
from metropoli.trees.models import Species, Tree


def _rate(label):
    return models.FloatField(label, validators=[MinValueValidator(0)])


class BenefitSettings(models.Model):
    """Which i-Tree region a municipality uses and what each unit of benefit is worth in MXN."""

    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="benefit_settings",
    )
    region = models.CharField(
        _("i-Tree region"),
        max_length=20,
        help_text=_("Climate region whose i-Tree Streets tables are used, e.g. InlEmpCLM."),
    )
    electricity_mxn_per_kwh = _rate(_("electricity (MXN per kWh)"))
    natural_gas_mxn_per_kbtu = _rate(_("natural gas (MXN per kBtu)"))
    water_mxn_per_m3 = _rate(_("stormwater (MXN per m³)"))
    co2_mxn_per_kg = _rate(_("CO₂ (MXN per kg)"))
    o3_mxn_per_kg = _rate(_("ozone (MXN per kg)"))
    nox_mxn_per_kg = _rate(_("NOx (MXN per kg)"))
    pm10_mxn_per_kg = _rate(_("PM10 (MXN per kg)"))
    sox_mxn_per_kg = _rate(_("SOx (MXN per kg)"))
    voc_mxn_per_kg = _rate(_("VOC (MXN per kg)"))
    rates_are_defaults = models.BooleanField(
        _("rates are the defaults"),
        default=True,
        help_text=_(
            "True while the rates are the region's US dollar rates converted at the default "
            "exchange rate; staff should replace them with local prices."
        ),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("eco-benefit settings")
        verbose_name_plural = _("eco-benefit settings")

    def __str__(self) -> str:
        return f"{self.municipality} · {self.region}"


class SpeciesOverride(models.Model):
    """A municipality's own choice of i-Tree code for one species of the catalogue."""

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="benefit_species_overrides",
    )
    species = models.ForeignKey(
        Species, verbose_name=_("species"), on_delete=models.CASCADE, related_name="+"
    )
    itree_code = models.CharField(_("i-Tree code"), max_length=20)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("species mapping override")
        verbose_name_plural = _("species mapping overrides")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "species"], name="unique_benefit_species_override"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.species} → {self.itree_code}"


class BenefitStatus(models.TextChoices):
    OK = "ok", _("Computed")
    NO_ITREE_CODE = "no_itree_code", _("Species without i-Tree data")
    INVALID_REGION = "invalid_region", _("Region not in the tables")
    MISSING_DBH = "missing_dbh", _("Trunk diameter unknown")
    MISSING_SPECIES = "missing_species", _("Species unknown")


class TreeBenefit(models.Model):
    """The yearly benefits of one tree, in the tables' units, and their value in MXN.

    The 15 factor columns follow the engine (kWh, kBtu, m³, kg); the grouped columns and money
    columns are derived at computation time so that a filtered summary is a plain SQL sum.
    co2_storage is a stock (kg stored so far), never added to the yearly money total.
    """

    # No cascade: when a tree is deleted its row stays until the recompute task (enqueued by
    # the trees services) removes it and takes it out of the rollup in the same transaction.
    tree = models.OneToOneField(
        Tree,
        verbose_name=_("tree"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="benefit",
    )
    # The tree's grouping keys when it was computed (the rollup is kept by them).
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    species_key = models.BigIntegerField(_("species id (0 = unknown)"), default=0)
    status = models.CharField(_("status"), max_length=16, choices=BenefitStatus.choices)
    region = models.CharField(_("i-Tree region"), max_length=20, blank=True)
    itree_code = models.CharField(_("i-Tree code"), max_length=20, blank=True)
    dbh_cm = models.FloatField(_("DBH used (cm)"), null=True)

    natural_gas = models.FloatField(null=True)
    electricity = models.FloatField(null=True)
    hydro_interception = models.FloatField(null=True)
    co2_sequestered = models.FloatField(null=True)
    co2_avoided = models.FloatField(null=True)
    co2_storage = models.FloatField(null=True)
    aq_nox_dep = models.FloatField(null=True)
    aq_ozone_dep = models.FloatField(null=True)
    aq_nox_avoided = models.FloatField(null=True)
    aq_pm10_dep = models.FloatField(null=True)
    aq_pm10_avoided = models.FloatField(null=True)
    aq_sox_dep = models.FloatField(null=True)
    aq_sox_avoided = models.FloatField(null=True)
    aq_voc_avoided = models.FloatField(null=True)
    bvoc = models.FloatField(null=True)

    energy_kwh = models.FloatField(_("energy (kWh per year)"), null=True)
    stormwater_m3 = models.FloatField(_("stormwater (m³ per year)"), null=True)
    air_quality_kg = models.FloatField(_("air quality (kg per year)"), null=True)
    co2_kg = models.FloatField(_("CO₂ sequestered and avoided (kg per year)"), null=True)
    co2_stored_kg = models.FloatField(_("CO₂ stored (kg)"), null=True)

    money_energy = models.FloatField(null=True)
    money_stormwater = models.FloatField(null=True)
    money_air_quality = models.FloatField(null=True)
    money_co2 = models.FloatField(null=True)
    money_co2_stored = models.FloatField(null=True)
    money_yearly = models.FloatField(_("value per year (MXN)"), null=True)

    fingerprint = models.CharField(_("inputs fingerprint"), max_length=32)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("tree eco-benefits")
        verbose_name_plural = _("tree eco-benefits")
        indexes = [models.Index(fields=["status"], name="benefits_status")]

    def __str__(self) -> str:
        return f"{self.tree_id}: {self.status}"


class BenefitRollup(models.Model):
    """Stored results summed per municipality, species and status.

    Kept in step with TreeBenefit in the same transaction as every write of it, so that a
    summary filtered only by municipality and/or species reads a few hundred rows instead of
    every tree. Any other filter sums TreeBenefit rows joined to the filtered trees.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    species_key = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=BenefitStatus.choices)
    trees = models.BigIntegerField(default=0)
    energy_kwh = models.FloatField(default=0)
    stormwater_m3 = models.FloatField(default=0)
    air_quality_kg = models.FloatField(default=0)
    co2_kg = models.FloatField(default=0)
    co2_stored_kg = models.FloatField(default=0)
    money_energy = models.FloatField(default=0)
    money_stormwater = models.FloatField(default=0)
    money_air_quality = models.FloatField(default=0)
    money_co2 = models.FloatField(default=0)
    money_co2_stored = models.FloatField(default=0)
    money_yearly = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "species_key", "status"], name="unique_benefit_rollup"
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.species_key}/{self.status}: {self.trees}"
