"""Where: recipient countries and their percentages, municipalities and their points."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from metropoli.common.i18n import gettext_noop

from ..model import Activity, RecipientCountry
from .base import Collector, Rule, RuleCode, Severity, check_percentages

_E = Severity.ERROR

MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.RECIPIENT_MISSING: (
        gettext_noop("La actividad debe declarar al menos un país receptor."),
        _E,
        "3.7.1",
    ),
    RuleCode.RECIPIENT_PERCENTAGE_MISSING: (
        gettext_noop("Con varios países receptores, cada uno debe tener porcentaje."),
        _E,
        "3.1.1",
    ),
    RuleCode.RECIPIENT_PERCENTAGE_SUM: (
        gettext_noop("Los porcentajes de los países receptores suman %(total)s; deben sumar 100."),
        _E,
        "3.1.2",
    ),
    RuleCode.RECIPIENT_SINGLE_NOT_100: (
        gettext_noop(
            "Con un solo país receptor, el porcentaje debe omitirse o ser 100 (es %(value)s)."
        ),
        _E,
        "3.1.4",
    ),
    RuleCode.RECIPIENT_PERCENTAGE_RANGE: (
        gettext_noop("El porcentaje del país %(code)s (%(value)s) debe estar entre 0 y 100."),
        _E,
        "12.1.1",
    ),
    RuleCode.LOCATION_INEGI_CODE: (
        gettext_noop(
            "La clave INEGI del municipio «%(name)s» debe tener cinco dígitos (es «%(value)s»)."
        ),
        _E,
        None,
    ),
    RuleCode.LOCATION_POINT_RANGE: (
        gettext_noop(
            "Las coordenadas del municipio «%(name)s» están fuera de rango (latitud ±90, "
            "longitud ±180)."
        ),
        _E,
        None,
    ),
}

_INEGI_MUNICIPALITY = re.compile(r"^\d{5}$")


def check_geography(
    c: Collector, countries: Sequence[RecipientCountry], activity: Activity
) -> None:
    if not countries:
        c.add(RuleCode.RECIPIENT_MISSING, "recipient_countries")
    for i, country in enumerate(countries):
        c.codelist("Country", country.code, f"recipient_countries[{i}].code")
    if countries:
        check_percentages(
            c,
            [(country.code, country.percentage) for country in countries],
            "recipient_countries.percentage",
            (
                RuleCode.RECIPIENT_PERCENTAGE_RANGE,
                RuleCode.RECIPIENT_PERCENTAGE_MISSING,
                RuleCode.RECIPIENT_PERCENTAGE_SUM,
                RuleCode.RECIPIENT_SINGLE_NOT_100,
            ),
        )
    for i, municipality in enumerate(activity.municipalities):
        path = f"municipalities[{i}]"
        if not _INEGI_MUNICIPALITY.match(municipality.inegi_code):
            c.add(
                RuleCode.LOCATION_INEGI_CODE,
                f"{path}.inegi_code",
                name=municipality.name,
                value=municipality.inegi_code,
            )
        point = municipality.point
        if point is not None and not (
            -90 <= point.latitude <= 90 and -180 <= point.longitude <= 180
        ):
            c.add(RuleCode.LOCATION_POINT_RANGE, f"{path}.point", name=municipality.name)
