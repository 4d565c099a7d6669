"""Eco-benefit API, mounted beside the tree API under /api/trees/.

GET /api/trees/{id}/ecobenefits and GET /api/trees/ecobenefits?<the tree list's filters>.
"""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError
from metropoli.trees.filters import TreeFilterSchema

from . import data, selectors
from .presentation import CURRENCY, bucket_payload, tree_payload
from .units import UNIT_SYSTEMS, unit_system

router = Router(tags=["eco-benefits"])
UNITS_HELP = "metric (default: kWh, litres, kg) or imperial (kWh, US gallons, lb)."


class GroupOut(Schema):
    key: str = Field(description="energy, stormwater, air_quality, co2 or co2_stored.")
    label: str
    amount: float | None
    unit: str
    yearly: bool = Field(description="False for co2_stored, a stock rather than a yearly flow.")
    money: float | None = Field(description="Value in MXN (per year when yearly).")


class TreeBenefitsOut(Schema):
    tree_id: int
    status: str = Field(
        description="ok, missing_species, missing_dbh, no_itree_code or invalid_region."
    )
    message: str
    stored: bool = Field(description="False when computed for this answer, not yet stored.")
    computed_at: datetime | None
    region: str | None
    itree_code: str | None
    units: str
    currency: str
    benefits: list[GroupOut]
    money_yearly: float | None = Field(description="Yearly value in MXN (CO₂ stored excluded).")
    factors: dict[str, float] | None = Field(
        description="The 15 i-Tree factors in table units (kWh, kBtu, m³, kg)."
    )


class BucketOut(Schema):
    key: str | int | None
    label: str
    total: int = Field(description="Trees in the group (M).")
    computed: int = Field(description="Trees whose benefits are computed (N).")
    not_computed: dict[str, int] = Field(description="Trees left out, by reason.")
    benefits: list[GroupOut]
    money_yearly: float


class SummaryOut(Schema):
    units: str
    currency: str
    note: str
    totals: BucketOut
    by_species: list[BucketOut]
    by_municipality: list[BucketOut]


def _units(units: str | None) -> str:
    if units and units not in UNIT_SYSTEMS:
        raise ApiError(400, "invalid_units", _("units must be “metric” or “imperial”."))
    return unit_system(units)


def _require_data() -> None:
    if not data.data_installed():
        raise ApiError(503, "itree_data_missing", data.install_message())


ERRORS = {400: ErrorOut, 404: ErrorOut, 503: ErrorOut}


@router.get(
    "/ecobenefits",
    response={200: SummaryOut, **ERRORS},
    summary="Eco-benefits of the trees matching the tree list's filters",
)
def summary(
    request,
    filters: Query[TreeFilterSchema],
    units: str | None = Query(None, description=UNITS_HELP),
):
    """Database sums of stored per-tree results. Trees lacking species, DBH or i-Tree data are
    counted in `not_computed`, never estimated."""
    system = _units(units)
    chosen = filters.resolve()
    _require_data()
    result = selectors.summarise(chosen)
    totals = bucket_payload(result.overall, system)
    return {
        "units": system,
        "currency": CURRENCY,
        "note": _("Computed for %(n)s of %(m)s trees.")
        % {"n": totals["computed"], "m": totals["total"]},
        "totals": totals,
        "by_species": [bucket_payload(b, system) for b in result.by_species],
        "by_municipality": [bucket_payload(b, system) for b in result.by_municipality],
    }


@router.get(
    "/{int:tree_id}/ecobenefits",
    response={200: TreeBenefitsOut, **ERRORS},
    summary="Yearly eco-benefits of one tree",
)
def tree_benefits(request, tree_id: int, units: str | None = Query(None, description=UNITS_HELP)):
    system = _units(units)
    tree = selectors.tree_for_benefits(tree_id)
    if tree is None:
        raise ApiError(404, "not_found", _("There is no tree %(id)s.") % {"id": tree_id})
    _require_data()
    benefit, stored = selectors.current_benefit(tree)
    return tree_payload(tree.pk, benefit, system, stored=stored)
