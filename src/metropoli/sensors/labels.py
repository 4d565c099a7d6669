"""The index's words as people read them: the pure `aqi` package keeps English msgids, and the
ones other apps also translate ("Good", "Low", "High") are read in their own context here."""

from django.utils.translation import pgettext

from .aqi import CATEGORY_INFO, Category, RiskLevel

AIR_QUALITY = "air quality category"
HEALTH_RISK = "health risk"


def category_label(category: Category) -> str:
    """«Buena», «Aceptable», … (NOM-172's category names)."""
    return pgettext(AIR_QUALITY, CATEGORY_INFO[category].label)


def risk_label(risk: RiskLevel) -> str:
    """«Bajo», «Moderado», …"""
    return pgettext(HEALTH_RISK, risk.label)
