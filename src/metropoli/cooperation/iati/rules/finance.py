"""Money: transactions, budgets and their value dates and currencies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from metropoli.common.i18n import gettext_noop

from ..mappings import BUDGET_STATUS_TO_IATI, BUDGET_TYPE_TO_IATI, TRANSACTION_KIND_TO_IATI
from ..model import Activity, Money
from .base import Collector, Rule, RuleCode, Severity
from .organisations import check_org

_E = Severity.ERROR

MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.TRANSACTION_DATE_FUTURE: (
        gettext_noop("La fecha de la transacción (%(date)s) no puede estar en el futuro."),
        _E,
        "11.2.1",
    ),
    RuleCode.VALUE_DATE_FUTURE: (
        gettext_noop("La fecha valor (%(date)s) de la transacción no puede estar en el futuro."),
        _E,
        "11.2.2",
    ),
    RuleCode.VALUE_DATE_MISSING: (
        gettext_noop("Todo monto necesita una fecha valor (fecha del tipo de cambio)."),
        _E,
        None,
    ),
    RuleCode.BUDGET_PERIOD_ORDER: (
        gettext_noop(
            "El inicio del periodo del presupuesto (%(start)s) debe ser anterior a su fin "
            "(%(end)s)."
        ),
        _E,
        "8.6.3",
    ),
    RuleCode.BUDGET_PERIOD_TOO_LONG: (
        gettext_noop(
            "El periodo del presupuesto (%(start)s a %(end)s) no puede durar más de un año."
        ),
        _E,
        "7.5.3",
    ),
}


def _one_year_after(start: date) -> date:
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # 29 February
        return start.replace(year=start.year + 1, day=28)


def _check_money(c: Collector, money: Money, path: str, *, transaction: bool) -> None:
    c.codelist("Currency", money.currency, f"{path}.currency")
    if money.value_date is None:
        c.add(RuleCode.VALUE_DATE_MISSING, f"{path}.value_date")
    elif transaction and money.value_date > c.today:
        c.add(RuleCode.VALUE_DATE_FUTURE, f"{path}.value_date", date=money.value_date.isoformat())


def check_finance(c: Collector, activity: Activity) -> None:
    c.codelist("Currency", activity.default_currency, "default_currency")
    for i, tx in enumerate(activity.transactions):
        path = f"transactions[{i}]"
        c.codelist("TransactionType", TRANSACTION_KIND_TO_IATI[tx.kind], f"{path}.kind")
        if tx.date > c.today:
            c.add(RuleCode.TRANSACTION_DATE_FUTURE, f"{path}.date", date=tx.date.isoformat())
        _check_money(c, tx.amount, f"{path}.amount", transaction=True)
        if tx.provider is not None:
            check_org(c, tx.provider, f"{path}.provider", RuleCode.TRANSACTION_ORG_REF_OR_NAME)
        if tx.receiver is not None:
            check_org(c, tx.receiver, f"{path}.receiver", RuleCode.TRANSACTION_ORG_REF_OR_NAME)
    for i, budget in enumerate(activity.budgets):
        path = f"budgets[{i}]"
        c.codelist("BudgetStatus", BUDGET_STATUS_TO_IATI[budget.status], f"{path}.status")
        c.codelist("BudgetType", BUDGET_TYPE_TO_IATI[budget.type], f"{path}.type")
        start, end = budget.period_start, budget.period_end
        if start > end:
            c.add(
                RuleCode.BUDGET_PERIOD_ORDER,
                f"{path}.period_end",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        elif end > _one_year_after(start):
            c.add(
                RuleCode.BUDGET_PERIOD_TOO_LONG,
                f"{path}.period_end",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        _check_money(c, budget.amount, f"{path}.amount", transaction=False)
