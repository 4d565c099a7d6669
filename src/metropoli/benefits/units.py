"""How the five benefit groups are shown: metric by default, imperial on request."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from metropoli.trees.ecobenefits import KG_TO_LB, M3_TO_US_GALLONS

METRIC, IMPERIAL = "metric", "imperial"
UNIT_SYSTEMS = (METRIC, IMPERIAL)


@dataclass(frozen=True)
class Group:
    key: str
    label: object
    column: str
    money_column: str
    yearly: bool
    #: unit system -> (unit label, factor from the stored unit)
    units: dict


GROUPS: tuple[Group, ...] = (
    Group(
        "energy",
        _("Energy saved"),
        "energy_kwh",
        "money_energy",
        True,
        {METRIC: ("kWh", 1.0), IMPERIAL: ("kWh", 1.0)},
    ),
    Group(
        "stormwater",
        _("Stormwater intercepted"),
        "stormwater_m3",
        "money_stormwater",
        True,
        {METRIC: ("L", 1000.0), IMPERIAL: ("gal", M3_TO_US_GALLONS)},
    ),
    Group(
        "air_quality",
        _("Air pollution removed or avoided"),
        "air_quality_kg",
        "money_air_quality",
        True,
        {METRIC: ("kg", 1.0), IMPERIAL: ("lb", KG_TO_LB)},
    ),
    Group(
        "co2",
        _("CO₂ sequestered and avoided"),
        "co2_kg",
        "money_co2",
        True,
        {METRIC: ("kg", 1.0), IMPERIAL: ("lb", KG_TO_LB)},
    ),
    Group(
        "co2_stored",
        _("CO₂ stored to date"),
        "co2_stored_kg",
        "money_co2_stored",
        False,
        {METRIC: ("kg", 1.0), IMPERIAL: ("lb", KG_TO_LB)},
    ),
)


def unit_system(value: str | None) -> str:
    """The requested system; anything unknown means metric (the default)."""
    return value if value in UNIT_SYSTEMS else METRIC


def display(group: Group, stored: float | None, system: str) -> tuple[float | None, str]:
    unit, factor = group.units[system]
    return (None if stored is None else stored * factor), unit
