"""Territory API: municipalities and point lookup."""

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError

from . import selectors

router = Router(tags=["territory"])


class MunicipalityOut(Schema):
    inegi_code: str = Field(examples=["14039"])
    name: str
    slug: str
    seat: list[float] | None = Field(None, description="[lon, lat] of the municipal seat.")
    has_boundary: bool

    @staticmethod
    def from_model(m) -> "MunicipalityOut":
        return MunicipalityOut(
            inegi_code=m.inegi_code,
            name=m.name,
            slug=m.slug,
            seat=[m.seat.x, m.seat.y] if m.seat else None,
            has_boundary=m.boundary is not None,
        )


class LookupOut(Schema):
    municipality: MunicipalityOut
    exact: bool = Field(
        description="True when decided by an official boundary; false when inferred from the "
        "nearest municipal seat because boundaries are not imported yet."
    )


@router.get("/municipalities", response=list[MunicipalityOut], summary="List municipalities")
def list_municipalities(request):
    return [MunicipalityOut.from_model(m) for m in selectors.active_municipalities()]


@router.get(
    "/municipalities/{code}",
    response={200: MunicipalityOut, 404: ErrorOut},
    summary="One municipality by INEGI code",
)
def get_municipality(request, code: str):
    m = selectors.municipality_by_code(code)
    if m is None or not m.active:
        raise ApiError(
            404, "unknown_municipality", _("There is no municipality %(code)s.") % {"code": code}
        )
    return MunicipalityOut.from_model(m)


@router.get(
    "/lookup",
    response={200: LookupOut, 404: ErrorOut},
    summary="Which municipality contains a point",
)
def lookup(
    request,
    lon: float = Query(..., ge=-180, le=180),
    lat: float = Query(..., ge=-90, le=90),
):
    match = selectors.municipality_at(lon=lon, lat=lat)
    if match is None:
        raise ApiError(
            404, "outside_area", _("The point is outside the municipalities of the platform.")
        )
    return LookupOut(municipality=MunicipalityOut.from_model(match.municipality), exact=match.exact)
