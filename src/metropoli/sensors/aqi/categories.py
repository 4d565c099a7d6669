"""Categories of the Índice AIRE Y SALUD with their colour, risk level and health messages.

Confidence tags follow ``sensors/NOM-172.md`` of the shared reference data
(``METROPOLI_SHARED_DIR``): [A] primary text or the official INECC/SINAICA page, [B] two or more
independent secondary sources, [C] a single secondary source (unconfirmed: check against the DOF
text before relying on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from types import MappingProxyType

from metropoli.common.i18n import gettext_noop


class Category(IntEnum):
    """The five categories, ordered from best to worst [B].

    An ``IntEnum`` so that "worst category" is simply ``max()`` and monotonicity can be tested
    with ``<=``. ``code`` is the stable identifier to store; ``label`` is what people read.
    """

    GOOD = 1
    ACCEPTABLE = 2
    BAD = 3
    VERY_BAD = 4
    EXTREMELY_BAD = 5

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return CATEGORY_INFO[self].label

    @property
    def colour(self) -> Colour:
        return CATEGORY_INFO[self].colour

    @property
    def risk(self) -> RiskLevel:
        return CATEGORY_INFO[self].risk

    @property
    def messages(self) -> MappingProxyType[PopulationGroup, str]:
        return CATEGORY_INFO[self].messages


class RiskLevel(IntEnum):
    """Risk level per category, from the SINAICA/INECC recommendations page [A]."""

    LOW = 1
    MODERATE = 2
    HIGH = 3
    VERY_HIGH = 4
    EXTREMELY_HIGH = 5

    @property
    def code(self) -> str:
        return self.name.lower()

    @property
    def label(self) -> str:
        return _RISK_LABELS[self]


_RISK_LABELS = {
    RiskLevel.LOW: gettext_noop("Low"),
    RiskLevel.MODERATE: gettext_noop("Moderate"),
    RiskLevel.HIGH: gettext_noop("High"),
    RiskLevel.VERY_HIGH: gettext_noop("Very high"),
    RiskLevel.EXTREMELY_HIGH: gettext_noop("Extremely high"),
}


class PopulationGroup(StrEnum):
    """Population groups of the 2023 norm's Tabla 12 [B].

    The SINAICA page [A] only distinguishes "grupos sensibles" and "toda la población"; the 2023
    norm splits the sensitive people into two groups. Until Tabla 12 is read, both sensitive
    groups get SINAICA's "grupos sensibles" text (an assumption, see docs/air-quality-index.md).
    """

    GENERAL = "general"
    CHILDREN_AND_PREGNANT = "children_and_pregnant"
    CARDIORESPIRATORY_AND_OLDER_ADULTS = "cardiorespiratory_and_older_adults"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    PopulationGroup.GENERAL: gettext_noop("Everyone"),
    PopulationGroup.CHILDREN_AND_PREGNANT: gettext_noop("Children under 12 and pregnant people"),
    PopulationGroup.CARDIORESPIRATORY_AND_OLDER_ADULTS: gettext_noop(
        "People with cardiovascular or respiratory disease and adults over 60"
    ),
}


@dataclass(frozen=True, slots=True)
class Colour:
    """A category colour.

    ``name`` is confirmed [A] (SINAICA, press). ``hex`` is [C]: values seen in third-party
    implementations, not the norm's Tabla 11. Tests must not depend on ``hex``.
    """

    name: str
    hex: str

    @property
    def rgb(self) -> tuple[int, int, int]:
        return (int(self.hex[1:3], 16), int(self.hex[3:5], 16), int(self.hex[5:7], 16))


# A station without a valid value is shown in white [B]; the hex is the obvious one.
NO_DATA_COLOUR = Colour(name=gettext_noop("white"), hex="#FFFFFF")


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    label: str
    colour: Colour
    risk: RiskLevel
    messages: MappingProxyType[PopulationGroup, str]


def _messages(*, sensitive: str, general: str) -> MappingProxyType[PopulationGroup, str]:
    return MappingProxyType(
        {
            PopulationGroup.GENERAL: general,
            PopulationGroup.CHILDREN_AND_PREGNANT: sensitive,
            PopulationGroup.CARDIORESPIRATORY_AND_OLDER_ADULTS: sensitive,
        }
    )


# Labels [B], colour names [A], hex values [C], risk levels and messages [A]. The messages are
# copied verbatim (spelling included) from the SINAICA/INECC recommendations page, because that
# is the official wording we have seen; Tabla 12 of the 2023 norm may word them differently [C].
CATEGORY_INFO: MappingProxyType[Category, CategoryInfo] = MappingProxyType(
    {
        Category.GOOD: CategoryInfo(
            label=gettext_noop("Good"),
            colour=Colour(name=gettext_noop("green"), hex="#9ACA3C"),
            risk=RiskLevel.LOW,
            messages=_messages(
                sensitive=gettext_noop("The risk is considered minimal or none"),
                general=gettext_noop("Enjoy outdoor activities"),
            ),
        ),
        Category.ACCEPTABLE: CategoryInfo(
            label=gettext_noop("Acceptable"),
            colour=Colour(name=gettext_noop("yellow"), hex="#F7EC0F"),
            risk=RiskLevel.MODERATE,
            messages=_messages(
                sensitive=gettext_noop("Consider reducing vigorous outdoor physical activity"),
                general=gettext_noop("Enjoy outdoor activities"),
            ),
        ),
        Category.BAD: CategoryInfo(
            label=gettext_noop("Bad"),
            colour=Colour(name=gettext_noop("orange"), hex="#F8991D"),
            risk=RiskLevel.HIGH,
            messages=_messages(
                sensitive=gettext_noop("Avoid outdoor physical activity (moderate and vigorous)"),
                general=gettext_noop("Reduce vigorous outdoor physical activity"),
            ),
        ),
        Category.VERY_BAD: CategoryInfo(
            label=gettext_noop("Very bad"),
            colour=Colour(name=gettext_noop("red"), hex="#ED2124"),
            risk=RiskLevel.VERY_HIGH,
            messages=_messages(
                sensitive=gettext_noop(
                    "Do not do outdoor activities. See a doctor if respiratory or cardiac "
                    "symptoms appear"
                ),
                general=gettext_noop("Avoid moderate and vigorous outdoor physical activity."),
            ),
        ),
        Category.EXTREMELY_BAD: CategoryInfo(
            label=gettext_noop("Extremely bad"),
            colour=Colour(name=gettext_noop("purple"), hex="#7D287D"),
            risk=RiskLevel.EXTREMELY_HIGH,
            messages=_messages(
                # SINAICA gives the same text for everyone at this level [A].
                sensitive=gettext_noop(
                    "Stay indoors. See a doctor if respiratory or cardiac symptoms appear"
                ),
                general=gettext_noop(
                    "Stay indoors. See a doctor if respiratory or cardiac symptoms appear"
                ),
            ),
        ),
    }
)
