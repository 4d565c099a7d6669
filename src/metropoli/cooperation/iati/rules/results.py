"""Results, their indicators and the values of baselines, targets and actuals."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from metropoli.common.i18n import gettext_noop

from ..model import Activity, IndicatorMeasure
from .base import Collector, Rule, RuleCode, Severity, blank

_E, _W = Severity.ERROR, Severity.WARNING

MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.RESULT_INDICATOR_MISSING: (
        gettext_noop("Cada resultado debe tener al menos un indicador."),
        _E,
        None,
    ),
    RuleCode.RESULT_PERIOD_ORDER: (
        gettext_noop(
            "El inicio del periodo del indicador (%(start)s) debe ser anterior a su fin (%(end)s)."
        ),
        _E,
        "8.6.1",
    ),
    RuleCode.RESULT_VALUE_MISSING: (
        gettext_noop("Un indicador cuantitativo necesita un valor de línea base."),
        _E,
        "8.8.1",
    ),
    RuleCode.RESULT_VALUE_NOT_NUMERIC: (
        gettext_noop("El valor «%(value)s» de un indicador cuantitativo debe ser numérico."),
        _W,
        "8.8.2/8.9.2/8.10.2",
    ),
    RuleCode.RESULT_VALUE_NOT_ALLOWED: (
        gettext_noop("Un indicador cualitativo no lleva valor numérico (se recibió «%(value)s»)."),
        _W,
        "8.8.3/8.9.3/8.10.3",
    ),
}


def _is_number(value: str) -> bool:
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False


def _check_indicator_value(
    c: Collector, value: str | None, measure: IndicatorMeasure, path: str, *, required: bool
) -> None:
    if measure is IndicatorMeasure.QUALITATIVE:
        if value is not None:
            c.add(RuleCode.RESULT_VALUE_NOT_ALLOWED, path, value=value)
    elif value is None:
        if required:
            c.add(RuleCode.RESULT_VALUE_MISSING, path)
    elif not _is_number(value):
        c.add(RuleCode.RESULT_VALUE_NOT_NUMERIC, path, value=value)


def check_results(c: Collector, activity: Activity) -> None:
    for i, result in enumerate(activity.results):
        path = f"results[{i}]"
        if blank(result.title):
            c.add(RuleCode.TITLE_EMPTY, f"{path}.title")
        if not result.indicators:
            c.add(RuleCode.RESULT_INDICATOR_MISSING, f"{path}.indicators")
        for j, indicator in enumerate(result.indicators):
            ipath = f"{path}.indicators[{j}]"
            if blank(indicator.title):
                c.add(RuleCode.TITLE_EMPTY, f"{ipath}.title")
            if indicator.baseline is not None:
                _check_indicator_value(
                    c,
                    indicator.baseline.value,
                    indicator.measure,
                    f"{ipath}.baseline.value",
                    required=True,
                )
            for k, period in enumerate(indicator.periods):
                ppath = f"{ipath}.periods[{k}]"
                if period.start > period.end:
                    c.add(
                        RuleCode.RESULT_PERIOD_ORDER,
                        f"{ppath}.end",
                        start=period.start.isoformat(),
                        end=period.end.isoformat(),
                    )
                # target/actual are only emitted when set, so absence is not a violation.
                _check_indicator_value(
                    c, period.target, indicator.measure, f"{ppath}.target", required=False
                )
                _check_indicator_value(
                    c, period.actual, indicator.measure, f"{ppath}.actual", required=False
                )
