"""Checks of what people type in (forms, spreadsheets, API) before anything is saved.

Each check returns messages in the request's language keyed by field, so a form, a
spreadsheet row report and a JSON error can all say exactly what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.common.errors import DomainError

from .errors import CooperationErrorCode
from .iati.codelists import fallback_sdg_goals, fallback_sdg_targets, load_codelists
from .models import (
    THEME_LABELS,
    InstituteRole,
    Modality,
    Scheme,
    Stage,
    project_code_validator,
)
from .themes import theme_code, valid_themes

HUNDRED = Decimal(100)
_CURRENCY_SHAPE = re.compile(r"^[A-Z]{3}$")
_COUNTRY_SHAPE = re.compile(r"^[A-Z]{2}$")
MAX_AMOUNT = Decimal("99999999999999.99")


def iati_dir() -> Path | None:
    """The configured IATI distribution, or None when it is not installed."""
    configured = getattr(settings, "METROPOLI_IATI_DIR", "")
    if not configured:
        return None
    path = Path(configured)
    return path if (path / "iati-activities-schema.xsd").is_file() else None


@lru_cache(maxsize=4)
def _codes(directory: str | None, name: str) -> frozenset[str] | None:
    if directory is None:
        return None
    codelists = load_codelists(Path(directory) / "codelists")
    return codelists[name].codes if name in codelists else None


def currency_codes() -> frozenset[str] | None:
    """ISO 4217 codes from IATI's Currency codelist; None when the distribution is missing."""
    directory = iati_dir()
    return _codes(str(directory) if directory else None, "Currency")


def sdg_targets() -> frozenset[str]:
    directory = iati_dir()
    return _codes(str(directory) if directory else None, "UNSDG-Targets") or (
        fallback_sdg_targets()
    )


def sdg_goals() -> frozenset[str]:
    directory = iati_dir()
    return _codes(str(directory) if directory else None, "UNSDG-Goals") or fallback_sdg_goals()


class Errors(dict):
    """field -> list of messages (in the active language)."""

    @classmethod
    def of(cls, error: ValidationError) -> Errors:
        """A Django ValidationError's messages (from a model's full_clean), by field."""
        errors = cls()
        for name, messages in error.message_dict.items():
            for message in messages:
                errors.add(name, message)
        return errors

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def refusal(self) -> DomainError:
        details = [{"field": n, "problem": m} for n, messages in self.items() for m in messages]
        return DomainError(CooperationErrorCode.INVALID_FIELDS, details=details)

    def raise_if_any(self) -> None:
        if self:
            raise self.refusal()


def parse_decimal(raw: object) -> Decimal | None:
    # Numbers from spreadsheets may be NaN or infinite: they are not amounts.
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, int | float):
        value = Decimal(str(raw))
        return value if value.is_finite() else None
    text = str(raw or "").strip().replace(",", "").replace("$", "").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def check_value(errors: Errors, value: object, *, field: str) -> Decimal | None:
    """An amount of money: digits, not negative, at most two decimals; the Decimal when so."""
    number = parse_decimal(value)
    if number is None:
        errors.add(
            field,
            _("“%(value)s” is not an amount; write digits with a decimal point, e.g. 12952444.43.")
            % {"value": value},
        )
    elif number < 0:
        errors.add(field, _("An amount cannot be negative."))
    elif number > MAX_AMOUNT or number.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.add(
            field,
            _("“%(value)s” has more than two decimals or is too large.") % {"value": value},
        )
    return number if field not in errors else None


def check_currency(errors: Errors, currency: str, *, field: str) -> None:
    known = currency_codes()
    if not _CURRENCY_SHAPE.match(currency or "") or (known is not None and currency not in known):
        errors.add(
            field,
            _("“%(code)s” is not an ISO 4217 currency code (e.g. MXN, EUR, USD).")
            % {"code": currency},
        )


def check_amount(
    errors: Errors, *, currency: str, value: object, value_date: date | None, prefix: str = ""
) -> Decimal | None:
    """Validate one amount; return the value as a Decimal when it is well formed."""
    number = check_value(errors, value, field=prefix + "value")
    check_currency(errors, currency, field=prefix + "currency")
    if value_date is None:
        errors.add(prefix + "value_date", _("Give the value date (the exchange-rate date)."))
    elif value_date > timezone.localdate():
        errors.add(prefix + "value_date", _("The value date cannot be in the future."))
    else:
        check_plausible_dates(errors, **{prefix + "value_date": value_date})
    return number


def check_plausible_years(errors: Errors, **years: int | None) -> None:
    """Each given year (by field name) must fall within the years of check_plausible_dates."""
    for name, value in years.items():
        if value is not None and not EARLIEST_DATE.year <= value <= LATEST_DATE.year:
            errors.add(
                name,
                _("Write a year between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
            )


def planned_order_message() -> str:
    return _("The planned end (%(end)s) is before its start (%(start)s).")


def actual_order_message() -> str:
    return _("The actual end (%(end)s) is before its start (%(start)s).")


# The dates a cooperation record can plausibly carry. Beyond them a date is a typing slip (year
# 0001, 9999 or 20266), and the Gantt charts, which draw one line per year, cannot show it.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def check_plausible_dates(errors: Errors, **dates: date | None) -> None:
    """Each given date (by field name) must fall between EARLIEST_DATE and LATEST_DATE."""
    for name, value in dates.items():
        if value and not EARLIEST_DATE <= value <= LATEST_DATE:
            errors.add(
                name,
                _("Write a date between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
            )


def check_actual_dates_not_future(errors: Errors, **dates: date | None) -> None:
    today = timezone.localdate()
    for name, value in dates.items():
        if value and value > today:
            errors.add(name, _("An actual date cannot be in the future."))


def check_date_order(
    errors: Errors, start: date | None, end: date | None, *, end_field: str, message: str
) -> None:
    """``message`` names the pair of dates; it receives %(start)s and %(end)s."""
    if start and end and end < start:
        errors.add(end_field, message % {"end": end.isoformat(), "start": start.isoformat()})


@dataclass
class ProjectInput:
    """What a person can set on a project in one go (form, spreadsheet row, demo)."""

    code: str
    title: str
    summary: str
    stage: str
    modalities: list[str] = field(default_factory=list)
    institute_role: str = InstituteRole.RECEIVER
    scheme: str = Scheme.DIRECT
    themes: Mapping[str, object] = field(default_factory=dict)
    municipality_codes: list[str] = field(default_factory=list)
    sdg_goals: list[str] = field(default_factory=list)
    sdg_targets: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=lambda: ["MX"])
    planned_start: date | None = None
    planned_end: date | None = None
    actual_start: date | None = None
    actual_end: date | None = None
    is_public: bool = False
    title_en: str = ""
    summary_en: str = ""
    provenance: str = ""


def _unknown(values: Iterable[str], allowed: Iterable[str]) -> list[str]:
    allowed = set(allowed)
    return [v for v in values if v not in allowed]


def check_project(data: ProjectInput, *, known_municipalities: Iterable[str]) -> Errors:
    """Every rule of a project's own fields; returns the errors (empty when valid)."""
    errors = Errors()
    try:
        project_code_validator(data.code)
    except ValidationError as error:
        errors.add("code", " ".join(error.messages))
    if not data.title.strip():
        errors.add("title", _("The title cannot be empty."))
    if not data.summary.strip():
        errors.add("summary", _("The summary cannot be empty."))
    if data.stage not in Stage.values:
        errors.add("stage", _("Unknown stage “%(value)s”.") % {"value": data.stage})
    for bad in _unknown(data.modalities, Modality.values):
        errors.add("modalities", _("Unknown modality “%(value)s”.") % {"value": bad})
    if data.institute_role not in InstituteRole.values:
        errors.add(
            "institute_role", _("Unknown role “%(value)s”.") % {"value": data.institute_role}
        )
    if data.scheme not in Scheme.values:
        errors.add("scheme", _("Unknown scheme “%(value)s”.") % {"value": data.scheme})
    _check_themes(errors, data.themes)
    for bad in _unknown(data.municipality_codes, known_municipalities):
        errors.add(
            "municipalities",
            _("There is no municipality with INEGI code “%(value)s”.") % {"value": bad},
        )
    for bad in _unknown(data.sdg_goals, sdg_goals()):
        errors.add("sdg_goals", _("“%(value)s” is not an SDG goal (1 to 17).") % {"value": bad})
    for bad in _unknown(data.sdg_targets, sdg_targets()):
        errors.add(
            "sdg_targets",
            _("“%(value)s” is not an SDG target (e.g. 11.2 or 13.b).") % {"value": bad},
        )
    for bad in [c for c in data.countries if not _COUNTRY_SHAPE.match(c)]:
        errors.add("countries", _("“%(value)s” is not a two-letter country code.") % {"value": bad})
    if not data.countries:
        errors.add("countries", _("Give at least one recipient country (MX by default)."))
    check_date_order(
        errors,
        data.planned_start,
        data.planned_end,
        end_field="planned_end",
        message=planned_order_message(),
    )
    check_date_order(
        errors,
        data.actual_start,
        data.actual_end,
        end_field="actual_end",
        message=actual_order_message(),
    )
    check_plausible_dates(
        errors,
        planned_start=data.planned_start,
        planned_end=data.planned_end,
        actual_start=data.actual_start,
        actual_end=data.actual_end,
    )
    check_actual_dates_not_future(
        errors, actual_start=data.actual_start, actual_end=data.actual_end
    )
    if data.stage == Stage.CLOSED and data.actual_end is None:
        errors.add("actual_end", _("A closed project needs its actual end date."))
    return errors


def _check_themes(errors: Errors, themes: Mapping[str, object]) -> None:
    total = Decimal(0)
    valid = True
    for theme, raw in themes.items():
        if theme not in THEME_LABELS:
            errors.add(
                "themes",
                _("Unknown thematic area “%(value)s”. The areas are: %(valid)s.")
                % {"value": theme, "valid": valid_themes()},
            )
            valid = False
            continue
        pct = parse_decimal(raw)
        if pct is None or pct < 0 or pct > HUNDRED:
            errors.add(
                "themes",
                _("The percentage of %(theme)s is %(value)s; it must be between 0 and 100.")
                % {"theme": THEME_LABELS[theme], "value": raw},
            )
            valid = False
            continue
        total += pct
    if valid and themes and total != HUNDRED:
        errors.add(
            "themes",
            _("The thematic percentages add up to %(total)s; they must add up to 100.")
            % {"total": f"{total.normalize():f}"},
        )


def parse_themes(text: str) -> dict[str, str]:
    """“mobility:70, gender:30” (or a single “mobility”) -> {"mobility": "70", ...}. An area may
    be named by its code or its name in Spanish or English (“Economía local:100”)."""
    parts = [p.strip() for p in re.split(r"[;,]", text or "") if p.strip()]
    if len(parts) == 1 and ":" not in parts[0]:
        return {theme_code(parts[0]) or parts[0]: "100"}
    result: dict[str, str] = {}
    for part in parts:
        theme, _sep, pct = part.partition(":")
        result[theme_code(theme.strip()) or theme.strip()] = pct.strip().rstrip("%").strip()
    return result


def format_themes(themes: Iterable[tuple[str, Decimal]]) -> str:
    return ", ".join(f"{theme}:{pct.normalize():f}" for theme, pct in themes)


def split_codes(text: str) -> list[str]:
    return [p for p in re.split(r"[\s,;]+", (text or "").strip()) if p]
