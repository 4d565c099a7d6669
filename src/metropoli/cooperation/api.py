"""Cooperation API (/api/cooperation/): the portfolio, the pipeline and the publications."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from metropoli.common.api import require
from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError
from metropoli.common.i18n import gettext_noop
from metropoli.common.openapi import CSV, XLSX, file_answer

from . import publication, selectors, spreadsheets
from .models import Project

router = Router(tags=["cooperation"])


class PortfolioQuery(Schema):
    stage: str = Field("", description="Life-cycle stage, e.g. implementation.")
    theme: str = Field("", description="Thematic area, e.g. mobility.")
    partner: str = Field("", description="Organisation id.")
    municipality: str = Field("", description="INEGI code of a beneficiary municipality.")
    sdg: str = Field("", description="SDG goal number, 1–17.")
    year: str = Field("", description="Projects active in this year.")
    q: str = Field("", description="Text in the code, title or summary.")


class ThemeOut(Schema):
    theme: str
    percentage: Decimal


class PartnerOut(Schema):
    name: str
    role: str
    iati_ref: str


class AmountOut(Schema):
    kind: str
    currency: str
    value: Decimal
    value_date: date
    is_ceiling: bool


class ProjectOut(Schema):
    code: str
    title: str
    title_en: str
    stage: str
    modalities: list[str]
    institute_role: str
    scheme: str
    themes: list[ThemeOut]
    municipalities: list[str] = Field(description="INEGI codes.")
    sdg_goals: list[str]
    sdg_targets: list[str]
    planned_start: date | None
    planned_end: date | None
    actual_start: date | None
    actual_end: date | None
    is_public: bool
    partners: list[PartnerOut]
    amounts: list[AmountOut]

    @staticmethod
    def from_model(p: Project) -> ProjectOut:
        return ProjectOut(
            code=p.code,
            title=p.title,
            title_en=p.title_en,
            stage=p.stage,
            modalities=p.modality_list,
            institute_role=p.institute_role,
            scheme=p.scheme,
            themes=[ThemeOut(theme=t.theme, percentage=t.percentage) for t in p.themes.all()],
            municipalities=sorted(m.inegi_code for m in p.municipalities.all()),
            sdg_goals=p.goal_list,
            sdg_targets=p.target_list,
            planned_start=p.planned_start,
            planned_end=p.planned_end,
            actual_start=p.actual_start,
            actual_end=p.actual_end,
            is_public=p.is_public,
            partners=[
                PartnerOut(name=x.organisation.name, role=x.role, iati_ref=x.organisation.iati_ref)
                for x in p.participations.all()
            ],
            amounts=[
                AmountOut(
                    kind=a.kind,
                    currency=a.currency,
                    value=a.value,
                    value_date=a.value_date,
                    is_ceiling=a.is_ceiling,
                )
                for a in p.amounts.all()
            ],
        )


class MilestoneOut(Schema):
    title: str
    planned_start: date
    planned_end: date
    actual_start: date | None
    actual_end: date | None
    depends_on: list[str]


class ProjectDetailOut(ProjectOut):
    summary: str
    summary_en: str
    countries: list[str]
    milestones: list[MilestoneOut]
    legal_instruments: list[dict]
    results: list[dict]


class OpportunityOut(Schema):
    kind: str
    title: str
    organiser: str
    url: str
    deadline: date
    status: str
    agenda_fit: str
    owner: str | None
    project: str | None


def _portfolio(request, filters: PortfolioQuery):
    f = selectors.portfolio_filter(filters.dict())
    visible = selectors.visible_projects(request.user)
    return selectors.with_details(selectors.filter_portfolio(visible, f)).order_by("code")


@router.get("/projects", response=list[ProjectOut], summary="List and filter projects")
def list_projects(request, filters: Query[PortfolioQuery]):
    return [ProjectOut.from_model(p) for p in _portfolio(request, filters)]


@router.get(
    "/projects.csv",
    url_name="cooperation_projects_csv",
    summary="Filtered portfolio as CSV (same columns as the XLSX template)",
    response={200: None},
    openapi_extra=file_answer("The projects as CSV.", CSV),
)
def projects_csv(request, filters: Query[PortfolioQuery]):
    response = HttpResponse(spreadsheets.export_csv(_portfolio(request, filters)), content_type=CSV)
    response["Content-Disposition"] = 'attachment; filename="cooperation-projects.csv"'
    return response


@router.get(
    "/projects.xlsx",
    url_name="cooperation_projects_xlsx",
    summary="Filtered portfolio as XLSX (importable again)",
    response={200: None},
    openapi_extra=file_answer("The projects as an XLSX workbook.", XLSX),
)
def projects_xlsx(request, filters: Query[PortfolioQuery]):
    response = HttpResponse(
        spreadsheets.export_xlsx(_portfolio(request, filters)),
        content_type=XLSX,
    )
    response["Content-Disposition"] = 'attachment; filename="cooperation-projects.xlsx"'
    return response


@router.get(
    "/projects/{code}",
    response={200: ProjectDetailOut, 404: ErrorOut},
    summary="One project with its milestones, instruments and results",
)
def get_project(request, code: str):
    p = selectors.project_detail(request.user, code)
    if p is None:
        raise ApiError(404, "unknown_project", _("There is no project %(code)s.") % {"code": code})
    base = ProjectOut.from_model(p).dict()
    return ProjectDetailOut(
        **base,
        summary=p.summary,
        summary_en=p.summary_en,
        countries=p.country_list,
        milestones=[
            MilestoneOut(
                title=m.title,
                planned_start=m.planned_start,
                planned_end=m.planned_end,
                actual_start=m.actual_start,
                actual_end=m.actual_end,
                depends_on=[d.title for d in m.depends_on.all()],
            )
            for m in p.milestones.all()
        ],
        legal_instruments=[
            {
                "kind": li.kind,
                "title": li.title,
                "signed_on": li.signed_on,
                "parties": [o.name for o in li.parties.all()],
            }
            for li in p.legal_instruments.all()
        ],
        results=[
            {"type": r.result_type, "title": r.title, "indicator": r.indicator}
            for r in p.results.all()
        ],
    )


@router.get(
    "/opportunities",
    response={200: list[OpportunityOut], 401: ErrorOut, 403: ErrorOut},
    summary="Opportunity pipeline (cooperation office)",
)
def list_opportunities(request, upcoming: bool = False):
    if not request.user.is_authenticated:
        raise ApiError(401, "not_authenticated", _("Log in to do this."))
    require(
        request,
        "cooperation.view_pipeline",
        message=gettext_noop("Only the cooperation office can do this."),
    )
    opportunities = selectors.upcoming_opportunities(
        since=timezone.localdate() if upcoming else None
    )
    return [
        OpportunityOut(
            kind=o.kind,
            title=o.title,
            organiser=o.organiser,
            url=o.url,
            deadline=o.deadline,
            status=o.status,
            agenda_fit=o.agenda_fit,
            owner=o.owner.display_name if o.owner_id else None,
            project=o.project.code if o.project_id else None,
        )
        for o in opportunities
    ]


@router.get(
    "/iati-activities.xml",
    url_name="cooperation_iati_activities",
    response={200: None, 404: ErrorOut, 503: ErrorOut},
    summary="The public projects as an IATI 2.03 iati-activities document",
    description=(
        "Validated against the official XSD before it is sent. Projects that break an IATI "
        "rule are left out and named in the X-IATI-Excluded header."
    ),
    openapi_extra=file_answer("The iati-activities XML document.", "application/xml"),
)
def iati_activities(request):
    try:
        result = publication.publish()
    except publication.PublisherNotSet as error:
        raise ApiError(503, "iati_publisher_missing", str(error)) from error
    except publication.IatiUnavailable as error:
        raise ApiError(503, "iati_schema_missing", str(error)) from error
    if result.xml is None:
        raise ApiError(
            404, "nothing_to_publish", _("No public project can be published in IATI yet.")
        )
    response = HttpResponse(result.xml, content_type="application/xml; charset=utf-8")
    if result.excluded:
        response["X-IATI-Excluded"] = ",".join(sorted(result.excluded))
    return response
