"""Titles and descriptions that must say something."""

from __future__ import annotations

from collections.abc import Mapping

from metropoli.common.i18n import gettext_noop

from ..model import Activity
from .base import Collector, Rule, RuleCode, Severity, blank

_E = Severity.ERROR

MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.TITLE_EMPTY: (gettext_noop("El título no puede estar vacío."), _E, "4.3.1"),
    RuleCode.DESCRIPTION_EMPTY: (gettext_noop("La descripción no puede estar vacía."), _E, "4.4.1"),
}


def check_texts(c: Collector, activity: Activity) -> None:
    if blank(activity.title):
        c.add(RuleCode.TITLE_EMPTY, "title")
    if blank(activity.description):
        c.add(RuleCode.DESCRIPTION_EMPTY, "description")
    if activity.objectives is not None and blank(activity.objectives):
        c.add(RuleCode.DESCRIPTION_EMPTY, "objectives")
