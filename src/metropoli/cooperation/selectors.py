"""Reads of the cooperation registry, always through what the person may see."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from metropoli.common.params import whole_number
from metropoli.territory.models import Municipality, Role
from metropoli.territory.selectors import municipalities_where

from .models import (
    THEME_CHOICES,
    THEME_LABELS,
    Amount,
    AmountKind,
    Opportunity,
    Organisation,
    Participation,
    ParticipationRole,
    Project,
    Stage,
)
from .rules import can_edit


def visible_projects(user) -> QuerySet[Project]:
    projects = Project.objects.all()
    if can_edit(user):
        return projects
    condition = Q(is_public=True)
    if getattr(user, "is_authenticated", False):
        staff_of = municipalities_where(user, Role.MUNICIPAL_STAFF)
        condition |= Q(municipalities__in=staff_of)
    return projects.filter(condition).distinct()


@dataclass(frozen=True)
class PortfolioFilter:
    stage: str = ""
    theme: str = ""
    partner: int | None = None
    municipality: str = ""  # INEGI code
    sdg: str = ""  # goal number
    year: int | None = None
    q: str = ""

    @property
    def active(self) -> bool:
        return any((self.stage, self.theme, self.partner, self.municipality, self.sdg, self.year))


GOALS = [str(n) for n in range(1, 18)]


def portfolio_filter(params) -> PortfolioFilter:
    """Read the filters from a query string, ignoring values that make no sense."""
    stage = params.get("stage", "")
    theme = params.get("theme", "")
    municipality = params.get("municipality", "")
    sdg = params.get("sdg", "")
    partner = params.get("partner", "")
    year = params.get("year", "")
    return PortfolioFilter(
        stage=stage if stage in Stage.values else "",
        theme=theme if theme in dict(THEME_CHOICES) else "",
        partner=whole_number(partner),
        municipality=municipality if re.fullmatch(r"\d{5}", municipality) else "",
        sdg=sdg if sdg in GOALS else "",
        year=int(year) if re.fullmatch(r"(19|20)\d\d", year) else None,
        q=params.get("q", "")[:100].strip(),
    )


def filter_portfolio(projects: QuerySet[Project], f: PortfolioFilter) -> QuerySet[Project]:
    if f.stage:
        projects = projects.filter(stage=f.stage)
    if f.theme:
        projects = projects.filter(themes__theme=f.theme)
    if f.partner:
        projects = projects.filter(participations__organisation_id=f.partner)
    if f.municipality:
        projects = projects.filter(municipalities__inegi_code=f.municipality)
    if f.sdg:
        # Codes are stored space-separated; pad both sides so "1" does not match "11".
        projects = projects.filter(sdg_goals__regex=rf"(^| ){re.escape(f.sdg)}( |$)")
    if f.year:
        first, last = date(f.year, 1, 1), date(f.year, 12, 31)
        started = Q(actual_start__lte=last) | Q(actual_start__isnull=True, planned_start__lte=last)
        not_ended = (
            Q(actual_end__gte=first)
            | Q(actual_end__isnull=True, planned_end__gte=first)
            | Q(actual_end__isnull=True, planned_end__isnull=True)
        )
        projects = projects.filter(started & not_ended)
    if f.q:
        projects = projects.filter(
            Q(title__icontains=f.q) | Q(code__icontains=f.q) | Q(summary__icontains=f.q)
        )
    return projects.distinct()


def with_details(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.prefetch_related(
        "themes",
        "municipalities",
        Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
        "amounts",
    )


def project_detail(user, code: str) -> Project | None:
    return (
        with_details(visible_projects(user))
        .prefetch_related(
            "legal_instruments__parties",
            "milestones__depends_on",
            "results",
            "documents",
            "awards",
        )
        .filter(code=code)
        .first()
    )


def partners_in(projects: QuerySet[Project]) -> QuerySet[Organisation]:
    return Organisation.objects.filter(participations__project__in=projects).distinct()


def municipalities_in(projects: QuerySet[Project]) -> QuerySet[Municipality]:
    return Municipality.objects.filter(cooperation_projects__in=projects).distinct()


@dataclass
class Dashboard:
    by_stage: list[tuple[str, str, int]]  # (code, label, count)
    by_theme: list[tuple[str, Decimal]]  # MXN committed, split by theme percentage
    by_partner: list[tuple[str, Decimal]]  # MXN committed by funder
    by_year: list[tuple[int, Decimal]]  # MXN committed by value-date year
    municipalities: list[tuple[str, int]]  # municipality, projects reaching it
    other_currencies: list[Amount]
    total_mxn: Decimal
    projects: int


def dashboard(projects: QuerySet[Project]) -> Dashboard:
    counts = dict(projects.order_by().values_list("stage").annotate(n=Count("pk", distinct=True)))
    by_stage = [(code, str(label), counts.get(code, 0)) for code, label in Stage.choices]
    amounts = list(
        Amount.objects.filter(project__in=projects, kind=AmountKind.COMMITTED)
        .select_related("project")
        .prefetch_related("project__themes", "project__participations__organisation")
    )
    by_theme: dict[str, Decimal] = defaultdict(Decimal)
    by_partner: dict[str, Decimal] = defaultdict(Decimal)
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    other: list[Amount] = []
    total = Decimal(0)
    for amount in amounts:
        if amount.currency != "MXN":  # no conversion: shown apart, never mixed
            other.append(amount)
            continue
        total += amount.value
        by_year[amount.value_date.year] += amount.value
        for theme in amount.project.themes.all():
            by_theme[str(THEME_LABELS[theme.theme])] += amount.value * theme.percentage / 100
        funders = [
            p.organisation.name
            for p in amount.project.participations.all()
            if p.role == ParticipationRole.FUNDER
        ]
        funder = amount.provider.name if amount.provider_id else (funders[0] if funders else "—")
        by_partner[funder] += amount.value
    reached = (
        Municipality.objects.filter(cooperation_projects__in=projects)
        .annotate(n=Count("cooperation_projects", distinct=True))
        .order_by("-n", "name")
    )
    return Dashboard(
        by_stage=by_stage,
        by_theme=sorted(
            ((k, v.quantize(Decimal("0.01"))) for k, v in by_theme.items()), key=lambda x: -x[1]
        ),
        by_partner=sorted(by_partner.items(), key=lambda x: -x[1]),
        by_year=sorted(by_year.items()),
        municipalities=[(m.name, m.n) for m in reached],
        other_currencies=other,
        total_mxn=total,
        projects=projects.count(),
    )


def upcoming_opportunities(*, since: date | None = None) -> QuerySet[Opportunity]:
    opportunities = Opportunity.objects.select_related("owner", "project")
    if since is not None:
        opportunities = opportunities.filter(deadline__gte=since)
    return opportunities.order_by("deadline", "pk")
