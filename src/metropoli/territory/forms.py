"""Form helpers for choosing a municipality (pages of several modules), and the forms of the
platform administrators' municipality pages (decision 0112)."""

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .boundary_files import MAX_UPLOAD_BYTES
from .models import Municipality


def offer_municipalities(field: forms.ModelChoiceField, municipalities: QuerySet) -> None:
    """`field` chooses among `municipalities` (those the person may act in); when there is only
    one, it is chosen already."""
    field.queryset = municipalities
    if municipalities.count() == 1:
        field.initial = municipalities.first()


def _model_field(name: str, **options) -> forms.Field:
    """The model's own form field (its label, help text and length)."""
    field = Municipality._meta.get_field(name).formfield(**options)
    assert field is not None
    return field


class MunicipalityForm(forms.Form):
    """A municipality's code, name, short name and seat; the services check the rest (the code's
    shape, what is taken, a seat near its boundary)."""

    inegi_code = _model_field("inegi_code")
    name = _model_field("name")
    slug = _model_field(
        "slug",
        required=False,
        help_text=_(
            "For web addresses: lowercase letters, digits and hyphens. Empty: made from the name."
        ),
    )
    lon = forms.FloatField(
        label=_("Longitude of the seat"),
        min_value=-180,
        max_value=180,
        required=False,
        help_text=_("Tap the map where the municipal seat is to fill in both, or type them."),
    )
    lat = forms.FloatField(
        label=_("Latitude of the seat"), min_value=-90, max_value=90, required=False
    )

    def __init__(self, *args, code_is_stable: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if code_is_stable:
            # The posted value is ignored: the code shown is the one kept.
            self.fields["inegi_code"].disabled = True
            self.fields["inegi_code"].help_text = _(
                "The code no longer changes: the platform already holds data of this "
                "municipality under it."
            )

    @classmethod
    def for_municipality(cls, municipality: Municipality, data=None, **kwargs):
        seat = municipality.seat
        initial = {
            "inegi_code": municipality.inegi_code,
            "name": municipality.name,
            "slug": municipality.slug,
            "lon": round(seat.x, 6) if seat else None,
            "lat": round(seat.y, 6) if seat else None,
        }
        return cls(data, initial=initial, **kwargs)

    def clean(self):
        data = super().clean()
        lon, lat = data.get("lon"), data.get("lat")
        if (lon is None) != (lat is None) and not ({"lon", "lat"} & set(self.errors)):
            self.add_error(
                "lat" if lat is None else "lon",
                _("Give both the longitude and the latitude of the seat, or neither."),
            )
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        seat = (data["lon"], data["lat"]) if data.get("lon") is not None else None
        return {
            "inegi_code": data["inegi_code"],
            "name": data["name"],
            "slug": data.get("slug") or "",
            "seat": seat,
        }


class BoundaryUploadForm(forms.Form):
    file = forms.FileField(label=_("Boundary file"))
    code_field = forms.CharField(
        label=_("Field with the municipality code"),
        max_length=80,
        required=False,
        help_text=_("Empty: CVEGEO, or CVE_ENT and CVE_MUN, as in INEGI's files."),
    )
    srid = forms.IntegerField(
        label=_("Coordinate system (EPSG code)"),
        min_value=1,
        max_value=999_999,
        required=False,
        help_text=_(
            "Only when the file does not say it (a shapefile without its .prj): 6372 for "
            "INEGI's Lambert projection."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "GeoJSON (.geojson, .json), or a shapefile zipped with its .shp, .shx, .dbf and .prj "
            "files (.zip), up to %(limit)d MB."
        ) % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
