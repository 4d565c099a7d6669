"""Eco-benefits of the tree inventory: per-municipality settings and per-tree stored results.

The numbers come from the pure engine `metropoli.trees.ecobenefits` (i-Tree Streets method);
this app decides which region and money rates apply, keeps one result row per tree, and sums
those rows for any filtered set of trees.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metropoli.territory.models import Municipality
from metropoli.trees.models import Species, Tree

# The stored results' sums: the benefit groups (physical units) and their money values. The
# rollups keep exactly these; calculation fills them.
GROUP_COLUMNS = ("energy_kwh", "stormwater_m3", "air_quality_kg", "co2_kg", "co2_stored_kg")
MONEY_COLUMNS = (
    "money_energy",
    "money_stormwater",
    "money_air_quality",
    "money_co2",
    "money_co2_stored",
    "money_yearly",
)
ROLLUP_SUMS = (*GROUP_COLUMNS, *MONEY_COLUMNS)


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

    The row also keeps the tree's keys as they were when it was computed (municipality,
    species, condition, DBH, location and its map cell): the rollups are kept by them. While
    `in_rollup` is true those keys are the tree's current ones; a change of the tree takes the
    row out of the rollups at once (in the same transaction) until the recompute task stores
    it again, and summaries read such rows joined to the trees instead.
    """

    # No cascade: when a tree is deleted its row stays (out of the rollups) until the
    # recompute task enqueued by the trees services removes it.
    tree = models.OneToOneField(
        Tree,
        verbose_name=_("tree"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="benefit",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    species_key = models.BigIntegerField(_("species id (0 = unknown)"), default=0)
    # Empty while the tree waits for its first computation.
    status = models.CharField(_("status"), max_length=16, choices=BenefitStatus.choices)
    region = models.CharField(_("i-Tree region"), max_length=20, blank=True)
    itree_code = models.CharField(_("i-Tree code"), max_length=20, blank=True)
    dbh_cm = models.FloatField(_("DBH used (cm)"), null=True)
    condition = models.CharField(_("condition"), max_length=10, blank=True, default="")
    location = models.PointField(_("location"), srid=4326, null=True)
    # The Web-Mercator cell of level rollup.FINEST_LEVEL that holds the location.
    cell_x = models.IntegerField(null=True, verbose_name=_("map cell column"))
    cell_y = models.IntegerField(null=True, verbose_name=_("map cell row"))
    in_rollup = models.BooleanField(_("counted in the rollups"), default=True)

    natural_gas = models.FloatField(null=True, verbose_name=_("natural gas saved (kBtu per year)"))
    electricity = models.FloatField(null=True, verbose_name=_("electricity saved (kWh per year)"))
    hydro_interception = models.FloatField(
        null=True, verbose_name=_("rain intercepted (m³ per year)")
    )
    co2_sequestered = models.FloatField(null=True, verbose_name=_("CO₂ sequestered (kg per year)"))
    co2_avoided = models.FloatField(null=True, verbose_name=_("CO₂ avoided (kg per year)"))
    co2_storage = models.FloatField(null=True, verbose_name=_("CO₂ stored in the tree (kg)"))
    aq_nox_dep = models.FloatField(null=True, verbose_name=_("NO₂ deposited (kg per year)"))
    aq_ozone_dep = models.FloatField(null=True, verbose_name=_("ozone deposited (kg per year)"))
    aq_nox_avoided = models.FloatField(null=True, verbose_name=_("NO₂ avoided (kg per year)"))
    aq_pm10_dep = models.FloatField(null=True, verbose_name=_("PM10 deposited (kg per year)"))
    aq_pm10_avoided = models.FloatField(null=True, verbose_name=_("PM10 avoided (kg per year)"))
    aq_sox_dep = models.FloatField(null=True, verbose_name=_("SO₂ deposited (kg per year)"))
    aq_sox_avoided = models.FloatField(null=True, verbose_name=_("SO₂ avoided (kg per year)"))
    aq_voc_avoided = models.FloatField(null=True, verbose_name=_("VOC avoided (kg per year)"))
    bvoc = models.FloatField(null=True, verbose_name=_("BVOC emitted (kg per year)"))

    energy_kwh = models.FloatField(_("energy (kWh per year)"), null=True)
    stormwater_m3 = models.FloatField(_("stormwater (m³ per year)"), null=True)
    air_quality_kg = models.FloatField(_("air quality (kg per year)"), null=True)
    co2_kg = models.FloatField(_("CO₂ sequestered and avoided (kg per year)"), null=True)
    co2_stored_kg = models.FloatField(_("CO₂ stored (kg)"), null=True)

    money_energy = models.FloatField(
        null=True, verbose_name=_("value of the energy saved (per year)")
    )
    money_stormwater = models.FloatField(
        null=True, verbose_name=_("value of the rain intercepted (per year)")
    )
    money_air_quality = models.FloatField(
        null=True, verbose_name=_("value of the air quality (per year)")
    )
    money_co2 = models.FloatField(null=True, verbose_name=_("value of the CO₂ (per year)"))
    money_co2_stored = models.FloatField(null=True, verbose_name=_("value of the CO₂ stored"))
    money_yearly = models.FloatField(_("value per year (MXN)"), null=True)

    fingerprint = models.CharField(_("inputs fingerprint"), max_length=32)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("tree eco-benefits")
        verbose_name_plural = _("tree eco-benefits")
        indexes = [
            models.Index(fields=["status"], name="benefits_status"),
            # The DBH edges a rollup bin cannot answer are summed from these rows.
            models.Index(fields=["dbh_cm"], name="benefits_dbh"),
            # The few rows waiting for their recompute, read joined to the trees.
            models.Index(fields=["tree"], condition=Q(in_rollup=False), name="benefits_waiting"),
            # The rows of the cells a bounding box cuts, and of the cells wholly inside it
            # when the cell rollup cannot answer (condition, DBH): read from this index
            # alone on PostgreSQL (an index-only scan).
            models.Index(
                fields=["cell_x", "cell_y"],
                include=[
                    "municipality",
                    "species_key",
                    "status",
                    "condition",
                    "dbh_cm",
                    "location",
                    *ROLLUP_SUMS,
                ],
                condition=Q(in_rollup=True),
                name="benefits_cells",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tree_id}: {self.status or 'pending'}"


class RollupSums(models.Model):
    """How many stored results a rollup row holds, and their sums."""

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
        abstract = True


class BenefitRollup(RollupSums):
    """Stored results summed per municipality, species, status and condition.

    This and the two finer rollups below are kept in step with TreeBenefit rows whose
    `in_rollup` is true, in the same transaction as every change of them (see rollup.py), so
    that a summary filtered by municipality, species, condition, DBH or a bounding box reads
    a few thousand rows instead of every tree.
    """

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    species_key = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=BenefitStatus.choices)
    condition = models.CharField(max_length=10, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "species_key", "status", "condition"],
                name="unique_benefit_rollup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.species_key}/{self.status}/{self.condition}"


class BenefitDbhRollup(RollupSums):
    """The same sums split further by DBH class: whole centimetres (-1 = DBH unknown)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    species_key = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=BenefitStatus.choices)
    condition = models.CharField(max_length=10, default="")
    dbh_class = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "species_key", "status", "condition", "dbh_class"],
                name="unique_benefit_dbh_rollup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id}/{self.species_key}/{self.status}/{self.dbh_class} cm"


class BenefitCellRollup(RollupSums):
    """Sums per Web-Mercator cell (a map tile of zoom `level`), municipality, species, status."""

    level = models.PositiveSmallIntegerField()
    x = models.IntegerField()
    y = models.IntegerField()
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    species_key = models.BigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=BenefitStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "x", "y", "municipality", "species_key", "status"],
                name="unique_benefit_cell_rollup",
            )
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.x}/{self.y} {self.municipality_id}/{self.species_key}"
