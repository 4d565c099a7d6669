"""The tree inventory: species, planting sites, the trees on them, photos and their history.

As in OpenTreeMap, the planting site (where: location, address, kind of site) is kept apart
from the living tree on it (what: species, size, condition). Every write goes through
`services.py`, which also keeps the change history and the map's aggregated cells.
"""

import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GistIndex
from django.core.files.storage import FileSystemStorage
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metropoli.territory.models import Municipality


class Species(models.Model):
    """A species (or genus, or cultivar) of the catalogue, with its local common names."""

    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_(
            "Stable code used by the API and imports (OpenTreeMap's code when it has one)."
        ),
    )
    scientific_name = models.CharField(_("scientific name"), max_length=160)
    genus = models.CharField(_("genus"), max_length=80, blank=True)
    species = models.CharField(_("species epithet"), max_length=80, blank=True)
    cultivar = models.CharField(_("cultivar"), max_length=80, blank=True)
    common_name_es = models.CharField(_("common name (Spanish)"), max_length=160, blank=True)
    other_names_es = models.CharField(
        _("other local names"),
        max_length=255,
        blank=True,
        help_text=_("Further Spanish names people use, separated by semicolons."),
    )
    common_name_en = models.CharField(_("common name (English)"), max_length=160, blank=True)
    otm_code = models.CharField(_("OpenTreeMap code"), max_length=20, null=True, blank=True)
    itree_code = models.CharField(_("i-Tree code"), max_length=20, null=True, blank=True)
    is_local = models.BooleanField(
        _("common in the metropolitan area"),
        default=False,
        help_text=_("Shown first when people search for a species."),
    )
    # The version a correction is made from (common/stale.py): a stale one is refused.
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-is_local", "scientific_name"]
        verbose_name = _("species")
        verbose_name_plural = _("species")

    def __str__(self) -> str:
        if self.common_name_es:
            return f"{self.common_name_es} ({self.scientific_name})"
        return self.scientific_name

    @property
    def display_name(self) -> str:
        return str(self)


class SiteType(models.TextChoices):
    SIDEWALK = "sidewalk", _("Sidewalk")
    PARK = "park", _("Park or square")
    MEDIAN = "median", _("Median strip")
    GARDEN = "garden", _("Garden or private yard")
    SCHOOL = "school", _("School or public building")
    RIVERBANK = "riverbank", _("Riverbank or canal")
    OTHER = "other", _("Other")


class PlantingSite(models.Model):
    """A place where a tree stands or can stand."""

    location = models.PointField(_("location"), srid=4326)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="planting_sites",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    colonia = models.CharField(_("neighbourhood (colonia)"), max_length=120, blank=True)
    site_type = models.CharField(
        _("kind of site"), max_length=16, choices=SiteType.choices, default=SiteType.SIDEWALK
    )
    location_accuracy_m = models.FloatField(_("GPS accuracy (m)"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("planting site")
        verbose_name_plural = _("planting sites")

    def __str__(self) -> str:
        return self.address or f"{self.location.y:.6f}, {self.location.x:.6f}"


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")
    DEAD = "dead", _("Dead")
    UNKNOWN = "unknown", _("I don't know")


class Phenology(models.TextChoices):
    LEAFED = "leafed", _("In leaf")
    FLOWERING = "flowering", _("Flowering")
    FRUITING = "fruiting", _("Fruiting")
    BARE = "bare", _("Without leaves")
    UNKNOWN = "unknown", _("I don't know")


class ValidationState(models.TextChoices):
    # Later issues (Treender) move records on from "submitted".
    SUBMITTED = "submitted", _("Waiting for validation")
    VALIDATED = "validated", _("Validated")
    # Reviewers asked the recorder to correct it and gave no corrected value themselves.
    NEEDS_CORRECTION = "needs_correction", _("Needs correction")
    REJECTED = "rejected", _("Rejected")


class Source(models.TextChoices):
    CAPTURE = "capture", _("Citizen capture")
    IMPORT = "import", _("Imported inventory")
    SYNTHETIC = "synthetic", _("Synthetic (benchmarks)")


class Tree(models.Model):
    """The living tree on a planting site."""

    site = models.OneToOneField(
        PlantingSite, verbose_name=_("planting site"), on_delete=models.CASCADE, related_name="tree"
    )
    species = models.ForeignKey(
        Species,
        verbose_name=_("species"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trees",
        help_text=_("Empty when the person who recorded it did not know."),
    )
    dbh_cm = models.DecimalField(
        _("trunk diameter at breast height (cm)"), max_digits=6, decimal_places=1, null=True
    )
    height_m = models.DecimalField(
        _("height (m)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    crown_width_m = models.DecimalField(
        _("crown width (m)"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, default=Condition.UNKNOWN
    )
    phenology = models.CharField(
        _("phenology"), max_length=10, choices=Phenology.choices, default=Phenology.UNKNOWN
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    validation_state = models.CharField(
        _("validation"),
        max_length=20,
        choices=ValidationState.choices,
        default=ValidationState.SUBMITTED,
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.CAPTURE
    )
    external_id = models.CharField(_("inventory number"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_trees",
    )
    recorded_at = models.DateTimeField(_("recorded at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("tree")
        verbose_name_plural = _("trees")
        constraints = [
            models.CheckConstraint(
                condition=Q(dbh_cm__isnull=True) | Q(dbh_cm__gt=0, dbh_cm__lte=1000),
                name="tree_dbh_in_range",
            ),
        ]

    def __str__(self) -> str:
        what = self.species.display_name if self.species_id else _("Unknown species")
        return f"#{self.pk} {what}"

    @property
    def municipality(self) -> Municipality:
        return self.site.municipality


def photo_path(instance: "TreePhoto", filename: str) -> str:
    return f"trees/photos/{instance.tree_id}/{filename}"


class TreePhoto(models.Model):
    """A photo of a tree. The stored image is the public copy: re-encoded, without metadata."""

    tree = models.ForeignKey(
        Tree, verbose_name=_("tree"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    original_format = models.CharField(_("original format"), max_length=8)
    # Where the camera said it was: kept for validators, never published.
    camera_location = models.PointField(_("camera location"), srid=4326, null=True, blank=True)
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("tree photo")
        verbose_name_plural = _("tree photos")


class TreeCell(models.Model):
    """How many trees fall in one map cell (a tile of zoom `level`) of one municipality.

    The map shows these counts below zoom 14 instead of single trees; the services keep
    them in step with every add, move and removal, in the same transaction.
    """

    level = models.PositiveSmallIntegerField()
    x = models.IntegerField()
    y = models.IntegerField()
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["level", "x", "y", "municipality"], name="unique_tree_cell"
            )
        ]


class TreeMapPoint(models.Model):
    """What the map draws for one tree, in one narrow row: its point in Web Mercator and the
    attributes a tile carries. Kept in step by trees/mappoints.py (signals on every save and
    delete; a rebuild after bulk loads), so a zoom-14 tile is one index scan of this table
    instead of sites joined to trees and species.
    """

    tree = models.OneToOneField(Tree, on_delete=models.CASCADE, primary_key=True, related_name="+")
    geom = models.PointField(srid=3857)
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    species = models.ForeignKey(
        Species, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    species_code = models.CharField(max_length=20, blank=True)
    condition = models.CharField(max_length=10)
    dbh_cm = models.DecimalField(max_digits=6, decimal_places=1, null=True)
    validation_state = models.CharField(max_length=20)

    class Meta:
        indexes = [
            # The trees of a box in id order, nearest-first from a cursor (`tree <-> n`, with
            # btree_gist): an OGC items page of a dense box (ogc/registry.py, decision 0096).
            GistIndex(fields=["geom", "tree"], name="trees_mappoint_geom_id"),
        ]

    def __str__(self) -> str:
        return f"map point of tree {self.tree_id}"


class DuplicateSuspicion(models.Model):
    """A capture recorded within 2 m of a tree already in the inventory (the server's check when
    a capture arrives, also after an offline sync). Its recorder answers: another tree (kept,
    answer "distinct") or the same tree (the capture is removed, and this with it). Validators
    see it on the card while it lasts (docs/decisions/0066-duplicates-after-sync.md)."""

    class Answer(models.TextChoices):
        PENDING = "", _("Not answered yet")
        DISTINCT = "distinct", _("Another tree")

    tree = models.OneToOneField(
        Tree, on_delete=models.CASCADE, related_name="duplicate_suspicion", verbose_name=_("tree")
    )
    near_tree = models.ForeignKey(
        Tree, on_delete=models.CASCADE, related_name="+", verbose_name=_("tree nearby")
    )
    distance_m = models.FloatField(_("distance (m)"))
    answer = models.CharField(_("answer"), max_length=10, blank=True, choices=Answer.choices)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")

    def __str__(self) -> str:
        return f"{self.tree_id} ~ {self.near_tree_id} ({self.distance_m:.1f} m)"


class ImportState(models.TextChoices):
    CHECKING = "checking", _("Checking the file")
    CHECKED = "checked", _("Checked: waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Not imported")


def import_path(instance: "InventoryImport", filename: str) -> str:
    return f"{instance.municipality_id}/{uuid.uuid4().hex}/{filename}"


def import_storage() -> FileSystemStorage:
    """Uploaded inventories are not public: kept outside MEDIA_ROOT, read by the worker."""
    return FileSystemStorage(location=settings.TREES_IMPORT_ROOT)


class InventoryImport(models.Model):
    """An inventory file uploaded on the import page: first checked (a dry run), then, once
    confirmed, imported by the task worker with the same code as `metropoli trees import`
    (trees/inventory.py). Progress is written from outside the import's transaction."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=import_path, storage=import_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    partial = models.BooleanField(_("import the valid rows even if others have errors"))
    metric = models.BooleanField(_("OpenTreeMap file already in cm and m"))
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.CHECKING
    )
    done = models.BigIntegerField(default=0)  # bytes read of `total`, for the progress
    total = models.BigIntegerField(default=0)
    rows = models.IntegerField(default=0)
    imported = models.IntegerField(default=0)
    error_count = models.IntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)  # the first ones: [line, column, reason]
    problem = models.TextField(blank=True)  # the file as a whole could not be read
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inventory import")
        verbose_name_plural = _("inventory imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.state})"
