"""The tree filters, declared once (decision 0092).

`TreeFilterSchema` names every filter of the tree inventory, its type, its documentation and its
validation. Every edge reads the filters through it: the API (`Query[TreeFilterSchema]`, which
also documents them in OpenAPI), the map page, the tiles, the exports (API and command), the
eco-benefit summary (API and page) and the OGC API's tree items. A bad value raises Django's
`ValidationError` with a message in the active language, wherever the schema is validated
(ninja included: the API's handler answers it with a 400); `resolve()` then looks the codes up
and gives the `TreeFilters` the selectors, the tile SQL and the eco-benefit sums read.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, FilterSchema
from pydantic import BeforeValidator, WithJsonSchema, field_validator, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from metropoli.common.i18n import gettext_noop
from metropoli.territory.models import Municipality

from .models import Condition, Species, ValidationState
from .selectors import TreeFilters, filter_trees

BBOX_MESSAGE = gettext_noop("bbox must be four numbers: west,south,east,north (degrees).")
NUMBER_MESSAGE = gettext_noop("%(field)s must be a number.")
DATE_MESSAGE = gettext_noop("%(field)s must be a date like 2025-03-31.")
PERSON_MESSAGE = gettext_noop("recorded_by must be the number of a person.")
# What a value that is not of the field's type gets told, by field.
TYPE_MESSAGES = {
    "dbh_min": NUMBER_MESSAGE,
    "dbh_max": NUMBER_MESSAGE,
    "recorded_by": PERSON_MESSAGE,
    "since": DATE_MESSAGE,
    "until": DATE_MESSAGE,
}


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _iso_day(value: Any) -> Any:
    # Python's ISO reading, as before the declaration (2025-03-31, also 20250331).
    return date.fromisoformat(value) if isinstance(value, str) else value


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("tree_filter", "{message}", {"message": message})


# Finite decimals, documented as numbers; days in ISO form, documented as dates.
Number = Annotated[
    Decimal, Field(allow_inf_nan=False), WithJsonSchema({"type": "number"}, mode="validation")
]
Day = Annotated[date, BeforeValidator(_iso_day)]


class TreeFilterSchema(FilterSchema):
    bbox: str | None = Field(None, description="west,south,east,north in degrees")
    # The descriptions are English msgids: the OGC API's queryables show them translated.
    municipality: str | None = Field(
        None,
        description=gettext_noop(
            "INEGI codes of municipalities, comma-separated (e.g. 14039,14120)."
        ),
    )
    species: str | None = Field(
        None,
        description=gettext_noop(
            'Species codes, comma-separated; "unknown" for trees of unknown species.'
        ),
    )
    condition: str | None = Field(
        None,
        description=gettext_noop("Conditions, comma-separated: good, fair, poor, dead, unknown."),
    )
    dbh_min: Number | None = Field(
        None, description=gettext_noop("Smallest trunk diameter, in cm.")
    )
    dbh_max: Number | None = Field(None, description=gettext_noop("Largest trunk diameter, in cm."))
    validation_state: str | None = Field(
        None,
        description=gettext_noop(
            "Validation states, comma-separated: submitted, validated, needs_correction, rejected."
        ),
    )
    recorded_by: int | None = Field(None, description="The number of the person who recorded it")
    since: Day | None = Field(None, description="First day, YYYY-MM-DD")
    until: Day | None = Field(None, description="Last day, YYYY-MM-DD")

    @field_validator("*", mode="before")
    @classmethod
    def _empty_is_absent(cls, value: Any) -> Any:
        # A form sends its empty fields (`dbh_min=`): no filter, as before the declaration.
        return None if value == "" else value

    @model_validator(mode="wrap")
    @classmethod
    def _in_plain_words(cls, data: Any, handler) -> TreeFilterSchema:
        """Any refusal as Django's ValidationError in the active language: ninja lets it pass
        (the API answers 400 invalid_input), pages and tiles show its messages."""
        try:
            schema = handler(data)
        except PydanticValidationError as error:
            raise ValidationError([_problem(problem) for problem in error.errors()]) from None
        if (
            schema.dbh_min is not None
            and schema.dbh_max is not None
            and schema.dbh_min > schema.dbh_max
        ):
            raise ValidationError(_("dbh_min cannot be larger than dbh_max."))
        return schema

    @field_validator("bbox")
    @classmethod
    def _box(cls, value: str | None) -> str | None:
        if value is not None:
            _bbox(value)
        return value

    @field_validator("municipality", "species")
    @classmethod
    def _codes(cls, value: str | None) -> str | None:
        return ",".join(_items(value)) or None if value is not None else None

    @field_validator("condition")
    @classmethod
    def _conditions(cls, value: str | None) -> str | None:
        return _choices(value, Condition.values, gettext_noop("Unknown condition: %(values)s."))

    @field_validator("validation_state")
    @classmethod
    def _states(cls, value: str | None) -> str | None:
        return _choices(
            value, ValidationState.values, gettext_noop("Unknown validation state: %(values)s.")
        )

    @classmethod
    def from_params(cls, params) -> TreeFilterSchema:
        """The filters of a query string (QueryDict or dict; other names are not filters)."""
        return cls.model_validate({name: params.get(name) for name in cls.model_fields})

    def codes(self) -> dict[str, str]:
        """The filters set, as query-string text (links, the map page's form)."""
        return {name: str(value) for name, value in self.model_dump(exclude_none=True).items()}

    def resolve(self) -> TreeFilters:
        """The filters with the codes looked up; ValidationError for an unknown code."""
        values: dict[str, Any] = {}
        if self.bbox:
            values["bbox"] = _bbox(self.bbox)
        if self.municipality:
            wanted = _items(self.municipality)
            found = dict(
                Municipality.objects.filter(inegi_code__in=wanted).values_list("inegi_code", "pk")
            )
            _known(wanted, found, gettext_noop("Unknown municipality code: %(codes)s."))
            values["municipality_ids"] = tuple(found.values())
        if self.species:
            wanted = _items(self.species)
            values["unknown_species"] = "unknown" in wanted
            wanted = [code for code in wanted if code != "unknown"]
            found = dict(Species.objects.filter(code__in=wanted).values_list("code", "pk"))
            _known(wanted, found, gettext_noop("Unknown species code: %(codes)s."))
            values["species_ids"] = tuple(found.values())
        if self.condition:
            values["conditions"] = tuple(_items(self.condition))
        if self.validation_state:
            values["validation_states"] = tuple(_items(self.validation_state))
        values["dbh_min"] = _in_column(self.dbh_min, ROUND_CEILING)
        values["dbh_max"] = _in_column(self.dbh_max, ROUND_FLOOR)
        values["recorded_by_id"] = self.recorded_by
        if self.since:
            values["since"] = timezone.make_aware(datetime.combine(self.since, time.min))
        if self.until:
            values["until"] = timezone.make_aware(datetime.combine(self.until, time.max))
        return TreeFilters(codes=self.codes(), **values)

    def filter(self, queryset: QuerySet) -> QuerySet:
        """FilterSchema's entry: the trees of `queryset` that match (the selectors' query)."""
        return filter_trees(self.resolve(), queryset)


NAMES = tuple(TreeFilterSchema.model_fields)


def parse(params) -> TreeFilters:
    """The filters of a query string, checked and resolved; ValidationError (translated).

    A query string that sets none of the filters (most map tiles: none, or only `v=`) is the
    empty filters without the schema: validating ten absent fields costs more than the tile's
    own work at low zooms (issue 21). An empty value is absent, as in the schema.
    """
    if all(params.get(name) in (None, "") for name in NAMES):
        return TreeFilters()
    return TreeFilterSchema.from_params(params).resolve()


def _problem(problem: dict) -> str:
    if problem.get("type") == "tree_filter":
        return problem["ctx"]["message"]
    field = str(problem["loc"][0]) if problem.get("loc") else ""
    return _(TYPE_MESSAGES.get(field, NUMBER_MESSAGE)) % {"field": field}


# Trunk diameters are stored in tenths of a cm below 100,000 cm (numeric(6,1)): a bound rounded
# outwards to a tenth and kept within ±100,000 selects the same trees, and PostgreSQL never gets
# a number it cannot hold (1e-200000 or 1e200000 answered 500).
DBH_STEP = Decimal("0.1")
DBH_LIMIT = Decimal(100_000)


def _in_column(value: Decimal | None, rounding: str) -> Decimal | None:
    if value is None:
        return None
    if abs(value) > DBH_LIMIT:
        return DBH_LIMIT.copy_sign(value)
    return value.quantize(DBH_STEP, rounding=rounding)


def _bbox(value: str) -> tuple[float, float, float, float]:
    try:
        west, south, east, north = (float(part) for part in _items(value))
    except ValueError:
        raise _refuse(_(BBOX_MESSAGE)) from None
    if not (
        all(math.isfinite(v) for v in (west, south, east, north))
        and -180 <= west < east <= 180
        and -90 <= south < north <= 90
    ):
        raise _refuse(_(BBOX_MESSAGE))
    return west, south, east, north


def _choices(value: str | None, allowed, message: str) -> str | None:
    if value is None:
        return None
    wanted = _items(value)
    bad = [item for item in wanted if item not in allowed]
    if bad:
        raise _refuse(_(message) % {"values": ", ".join(bad)})
    return ",".join(wanted) or None


def _known(wanted: list[str], found: dict, message: str) -> None:
    missing = [code for code in wanted if code not in found]
    if missing:
        raise ValidationError(_(message) % {"codes": ", ".join(missing)})
