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
    RiskLevel.LOW: gettext_noop("Bajo"),
    RiskLevel.MODERATE: gettext_noop("Moderado"),
    RiskLevel.HIGH: gettext_noop("Alto"),
    RiskLevel.VERY_HIGH: gettext_noop("Muy alto"),
    RiskLevel.EXTREMELY_HIGH: gettext_noop("Extremadamente alto"),
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
    PopulationGroup.GENERAL: gettext_noop("Toda la población"),
    PopulationGroup.CHILDREN_AND_PREGNANT: gettext_noop(
        "Niñas y niños menores de 12 años y personas embarazadas"
    ),
    PopulationGroup.CARDIORESPIRATORY_AND_OLDER_ADULTS: gettext_noop(
        "Personas con enfermedades cardiovasculares o respiratorias y adultos mayores de 60 años"
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
NO_DATA_COLOUR = Colour(name=gettext_noop("blanco"), hex="#FFFFFF")


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
            label=gettext_noop("Buena"),
            colour=Colour(name=gettext_noop("verde"), hex="#9ACA3C"),
            risk=RiskLevel.LOW,
            messages=_messages(
                sensitive=gettext_noop("Se considera que el riesgo es mínimo o nulo"),
                general=gettext_noop("Disfruta las actividades al aire libre"),
            ),
        ),
        Category.ACCEPTABLE: CategoryInfo(
            label=gettext_noop("Aceptable"),
            colour=Colour(name=gettext_noop("amarillo"), hex="#F7EC0F"),
            risk=RiskLevel.MODERATE,
            messages=_messages(
                sensitive=gettext_noop(
                    "Considera reducir las actividades físicas vigorosas al aire libre"
                ),
                general=gettext_noop("Disfruta las actividades al aire libre"),
            ),
        ),
        Category.BAD: CategoryInfo(
            label=gettext_noop("Mala"),
            colour=Colour(name=gettext_noop("naranja"), hex="#F8991D"),
            risk=RiskLevel.HIGH,
            messages=_messages(
                sensitive=gettext_noop(
                    "Evita las actividades físicas (tanto moderadas como vigorosas) al aire libre"
                ),
                general=gettext_noop("Reduce las actividades físicas vigorosas al aire libre"),
            ),
        ),
        Category.VERY_BAD: CategoryInfo(
            label=gettext_noop("Muy Mala"),
            colour=Colour(name=gettext_noop("rojo"), hex="#ED2124"),
            risk=RiskLevel.VERY_HIGH,
            messages=_messages(
                sensitive=gettext_noop(
                    "No realices actividades al aire libre. Acudir al médico si se presentan "
                    "síntomas respiratorios o cardíacos"
                ),
                general=gettext_noop(
                    "Evita las actividades físicas moderadas y vigorosas al aire libre."
                ),
            ),
        ),
        Category.EXTREMELY_BAD: CategoryInfo(
            label=gettext_noop("Extremadamente Mala"),
            colour=Colour(name=gettext_noop("morado"), hex="#7D287D"),
            risk=RiskLevel.EXTREMELY_HIGH,
            messages=_messages(
                # SINAICA gives the same text for everyone at this level [A].
                sensitive=gettext_noop(
                    "Permanece en espacios interiores. Acudir al médico si se presentan "
                    "síntomas respiratorios o cardiacos"
                ),
                general=gettext_noop(
                    "Permanece en espacios interiores. Acudir al médico si se presentan "
                    "síntomas respiratorios o cardiacos"
                ),
            ),
        ),
    }
)
