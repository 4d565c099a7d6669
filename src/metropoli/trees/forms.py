"""The staff's forms: they read and type the input; the services check and write it."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .editing import EXTERNAL_ID_MAX_LENGTH, REASON_MAX_LENGTH
from .models import Condition, Phenology, PlantingSite, SiteType, Species, Tree

DECIMAL = {"step": "0.1", "inputmode": "decimal"}
ACCEPT = "image/jpeg,image/png,image/heic,image/heif,image/*"
COORDINATE = {"step": "any", "inputmode": "decimal"}


def _species_choices():
    catalogue = Species.objects.order_by("-is_local", "common_name_es", "scientific_name")
    return [("", _("Unknown species"))] + [(s.code, s.display_name) for s in catalogue]


def _decimal(label, help_text=""):
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=6,
        decimal_places=1,
        help_text=help_text,
        widget=forms.NumberInput(attrs=DECIMAL),
    )


class TreeFieldsForm(forms.Form):
    """What the tree is: species, size, condition."""

    species = forms.ChoiceField(label=_("Species"), required=False)
    dbh_cm = _decimal(
        _("Trunk diameter (cm)"),
        _("Measured at 1.3 m above the ground; more than 0, at most 1,000."),
    )
    height_m = _decimal(_("Height (m)"))
    crown_width_m = _decimal(_("Crown width (m)"))
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    phenology = forms.ChoiceField(label=_("Phenology"), choices=Phenology.choices)
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["species"].choices = _species_choices()

    def tree_values(self) -> dict:
        """The cleaned values under the services' names."""
        data = self.cleaned_data
        return {
            "species_code": data["species"] or None,
            "dbh_cm": data["dbh_cm"],
            "height_m": data["height_m"],
            "crown_width_m": data["crown_width_m"],
            "condition": data["condition"],
            "phenology": data["phenology"],
            "notes": data["notes"],
        }


class SiteFieldsForm(forms.Form):
    """Where: the point (moved on the map or typed), the address and the kind of site."""

    lat = forms.FloatField(
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        help_text=_("Drag the pin or tap the map to move it; or type the coordinates."),
        widget=forms.NumberInput(attrs=COORDINATE),
    )
    lon = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        widget=forms.NumberInput(attrs=COORDINATE),
    )
    site_type = forms.ChoiceField(label=_("Kind of site"), choices=SiteType.choices)
    address = forms.CharField(label=_("Address"), required=False, max_length=255)
    colonia = forms.CharField(label=_("Neighbourhood (colonia)"), required=False, max_length=120)

    def site_values(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("lon", "lat", "site_type", "address", "colonia")}

    @staticmethod
    def site_initial(site: PlantingSite) -> dict:
        return {
            "lat": round(site.location.y, 7),
            "lon": round(site.location.x, 7),
            "site_type": site.site_type,
            "address": site.address,
            "colonia": site.colonia,
        }


def _same(a, b) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(float(a) - float(b)) < 5e-8
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (a is None) == (b is None) and (a is None or Decimal(a) == Decimal(b))
    return (a or "") == (b or "")


class TreeEditForm(SiteFieldsForm, TreeFieldsForm):
    """Every field of a tree and its site."""

    external_id = forms.CharField(
        label=_("Inventory number"), required=False, max_length=EXTERNAL_ID_MAX_LENGTH
    )

    field_order = [
        "species",
        "dbh_cm",
        "height_m",
        "crown_width_m",
        "condition",
        "phenology",
        "notes",
        "external_id",
        "lat",
        "lon",
        "site_type",
        "address",
        "colonia",
    ]

    @classmethod
    def for_tree(cls, tree: Tree, data=None) -> "TreeEditForm":
        initial = cls.site_initial(tree.site) | {
            "species": tree.species.code if tree.species_id else "",
            "dbh_cm": tree.dbh_cm,
            "height_m": tree.height_m,
            "crown_width_m": tree.crown_width_m,
            "condition": tree.condition,
            "phenology": tree.phenology,
            "notes": tree.notes,
            "external_id": tree.external_id,
        }
        return cls(data, initial=initial)

    def changes(self) -> dict:
        """Only what was changed, under the services' names (an unchanged point is not a move:
        its rounding must not become a history row)."""
        wanted = self.tree_values() | self.site_values()
        wanted["external_id"] = self.cleaned_data["external_id"]
        initial = self.initial
        before = {
            "species_code": initial["species"] or None,
            **{name: initial.get(name) for name in wanted if name != "species_code"},
        }
        changes = {name: value for name, value in wanted.items() if not _same(value, before[name])}
        if "lon" in changes or "lat" in changes:
            changes["lon"], changes["lat"] = wanted["lon"], wanted["lat"]
            changes["location_accuracy_m"] = None  # placed by hand: the GPS's error is gone
        return changes


class PlantForm(TreeFieldsForm):
    """A new tree in an empty planting site."""


class SiteForm(SiteFieldsForm):
    """An empty planting site."""

    def changes(self) -> dict:
        wanted = self.site_values()
        changes = {n: v for n, v in wanted.items() if not _same(v, self.initial.get(n))}
        if "lon" in changes or "lat" in changes:
            changes["lon"], changes["lat"] = wanted["lon"], wanted["lat"]
            changes["location_accuracy_m"] = None  # placed by hand: the GPS's error is gone
        return changes


class PhotoForm(forms.Form):
    photo = forms.FileField(
        label=_("Add a photo"),
        help_text=_("JPEG, PNG or HEIC. Its location data is removed before it is published."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/heic,image/*"}
        ),
    )


class RemoveTreeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the tree removed?"),
        max_length=REASON_MAX_LENGTH,
        help_text=_("For example: felled after the storm of 12 June; dead, permit 2026/118."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _species_field(name: str, **options) -> forms.Field:
    """A field of the catalogue's form with the model's label, help and length limit; the
    service checks the values again (duplicates, code, i-Tree code)."""
    field = Species._meta.get_field(name).formfield(**options)
    assert field is not None
    return field


class SpeciesForm(forms.Form):
    """A species of the catalogue: names first, then what the eco-benefits need."""

    scientific_name = _species_field(
        "scientific_name",
        required=True,
        help_text=_("Genus and epithet, for example Tabebuia rosea."),
        error_messages={"required": _("Write the scientific name of the species.")},
    )
    common_name_es = _species_field("common_name_es")
    other_names_es = _species_field("other_names_es")
    common_name_en = _species_field("common_name_en")
    genus = _species_field("genus", help_text=_("Left empty: read from the scientific name."))
    species = _species_field("species")
    cultivar = _species_field("cultivar")
    is_local = _species_field("is_local")
    itree_code = _species_field(
        "itree_code",
        help_text=_(
            "The species code of the i-Tree Streets tables that the eco-benefits are "
            "computed with (for example JAMI, or BDM OTHER for a medium broadleaf deciduous "
            "tree). Optional: without it the platform looks the species up by its code."
        ),
    )
    code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=Species._meta.get_field("code").max_length,
        help_text=_(
            "Optional. Left empty, it is made from the scientific name (AMG-TARO for Tabebuia "
            "rosea). It cannot be changed later: trees, imports and the API use it."
        ),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # the code is stable once set: shown on the page, not in the form
            del self.fields["code"]

    @classmethod
    def for_species(cls, species: Species, data=None) -> "SpeciesForm":
        initial = {name: getattr(species, name) for name in cls.base_fields if name != "code"}
        return cls(data, initial=initial, editing=True)

    def species_values(self) -> dict:
        """The cleaned values under the services' names."""
        return dict(self.cleaned_data)
