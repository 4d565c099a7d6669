"""Activity dates: present, in order, not in the future, consistent with the stage."""

from __future__ import annotations

from collections.abc import Mapping

from metropoli.common.i18n import gettext_noop

from ..model import Activity, Stage
from .base import Collector, Rule, RuleCode, Severity, aware

_E, _W = Severity.ERROR, Severity.WARNING

MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.DATES_START_MISSING: (
        gettext_noop("La actividad debe tener fecha de inicio planeada o real."),
        _E,
        "6.11.1",
    ),
    RuleCode.DATES_PLANNED_ORDER: (
        gettext_noop(
            "La fecha de inicio planeada (%(start)s) debe ser anterior a la fecha de término "
            "planeada (%(end)s)."
        ),
        _E,
        "11.1.2",
    ),
    RuleCode.DATES_ACTUAL_ORDER: (
        gettext_noop(
            "La fecha de inicio real (%(start)s) debe ser anterior a la fecha de término real "
            "(%(end)s)."
        ),
        _E,
        "11.1.3",
    ),
    RuleCode.DATES_ACTUAL_START_FUTURE: (
        gettext_noop("La fecha de inicio real (%(date)s) no puede estar en el futuro (%(now)s)."),
        _E,
        "11.1.4",
    ),
    RuleCode.DATES_ACTUAL_END_FUTURE: (
        gettext_noop("La fecha de término real (%(date)s) no puede estar en el futuro (%(now)s)."),
        _E,
        "11.1.5",
    ),
    RuleCode.LAST_UPDATED_FUTURE: (
        gettext_noop("La fecha de última actualización (%(date)s) no puede estar en el futuro."),
        _E,
        "11.1.1",
    ),
    RuleCode.STAGE_ACTUAL_START_MISSING: (
        gettext_noop("Un proyecto en la etapa «%(stage)s» debe registrar su fecha de inicio real."),
        _W,
        None,
    ),
    RuleCode.STAGE_ACTUAL_END_MISSING: (
        gettext_noop("Un proyecto cerrado debe registrar su fecha de término real."),
        _W,
        None,
    ),
}


def check_dates(c: Collector, activity: Activity) -> None:
    d = activity.dates
    if d.planned_start is None and d.actual_start is None:
        c.add(RuleCode.DATES_START_MISSING, "dates.planned_start")
    if d.planned_start and d.planned_end and d.planned_start > d.planned_end:
        c.add(
            RuleCode.DATES_PLANNED_ORDER,
            "dates.planned_end",
            start=d.planned_start.isoformat(),
            end=d.planned_end.isoformat(),
        )
    if d.actual_start and d.actual_end and d.actual_start > d.actual_end:
        c.add(
            RuleCode.DATES_ACTUAL_ORDER,
            "dates.actual_end",
            start=d.actual_start.isoformat(),
            end=d.actual_end.isoformat(),
        )
    if d.actual_start and d.actual_start > c.today:
        c.add(
            RuleCode.DATES_ACTUAL_START_FUTURE,
            "dates.actual_start",
            date=d.actual_start.isoformat(),
            now=c.today.isoformat(),
        )
    if d.actual_end and d.actual_end > c.today:
        c.add(
            RuleCode.DATES_ACTUAL_END_FUTURE,
            "dates.actual_end",
            date=d.actual_end.isoformat(),
            now=c.today.isoformat(),
        )
    if activity.last_updated and aware(activity.last_updated) > aware(c.now):
        c.add(RuleCode.LAST_UPDATED_FUTURE, "last_updated", date=activity.last_updated.isoformat())
    # IATI guidance: an activity in implementation (or closed) has actually started.
    if activity.stage in (Stage.IMPLEMENTATION, Stage.CLOSED) and d.actual_start is None:
        c.add(RuleCode.STAGE_ACTUAL_START_MISSING, "dates.actual_start", stage=activity.stage.value)
    if activity.stage is Stage.CLOSED and d.actual_end is None:
        c.add(RuleCode.STAGE_ACTUAL_END_MISSING, "dates.actual_end")
