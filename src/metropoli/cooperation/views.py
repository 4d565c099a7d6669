"""Pages of the cooperation registry (/cooperacion/)."""

from __future__ import annotations

import calendar
import io
import re
from datetime import date

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from metropoli.common.api import require
from metropoli.common.domain_errors import add_to_form, status_of
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.storage import StorageUnavailable
from metropoli.territory.models import Municipality

from . import history, publication, selectors, services, spreadsheets
from .charts import GanttRow, bar_chart, gantt
from .checks import EARLIEST_DATE, LATEST_DATE
from .errors import CooperationErrorCode
from .forms import (
    AmountForm,
    DocumentForm,
    ImportForm,
    LegalInstrumentForm,
    MilestoneForm,
    OpportunityForm,
    ParticipationForm,
    ProjectForm,
    ResultForm,
)
from .models import (
    THEME_CHOICES,
    LegalInstrument,
    Opportunity,
    Project,
    Stage,
)
from .schedule import Task, critical_path


def _can_edit(request) -> bool:
    return request.user.has_perm("cooperation.edit_project")


def _staff_only(request, perm: str):
    """Anonymous people are sent to log in; logged-in people without the right get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    require(request, perm, message=gettext_noop("Only the cooperation office can do this."))
    return None


@require_GET
def portfolio(request):
    visible = selectors.visible_projects(request.user)
    f = selectors.portfolio_filter(request.GET)
    projects = selectors.with_details(selectors.filter_portfolio(visible, f)).order_by(
        "-planned_start", "code"
    )
    query = request.GET.urlencode()
    return render(
        request,
        "cooperation/portfolio.html",
        {
            "projects": projects,
            "filter": f,
            "stages": Stage.choices,
            "themes": THEME_CHOICES,
            "partners": selectors.partners_in(visible),
            "municipalities": selectors.municipalities_in(visible),
            "goals": selectors.GOALS,
            "years": range(2017, timezone.localdate().year + 2),
            "query": query,
            "can_edit": _can_edit(request),
        },
    )


def _project_or_404(request, code: str) -> Project:
    project = selectors.project_detail(request.user, code)
    if project is None:
        raise Http404(_("There is no such project, or it is not public."))
    return project


def milestone_gantt(project: Project):
    milestones = list(project.milestones.all())
    tasks = {
        m.pk: Task(m.planned_start, m.planned_end, [d.pk for d in m.depends_on.all()])
        for m in milestones
    }
    critical = set(critical_path(tasks))
    rows = [
        GanttRow(
            label=m.title,
            planned_start=m.planned_start,
            planned_end=m.planned_end,
            actual_start=m.actual_start,
            actual_end=m.actual_end,
            critical=m.pk in critical,
        )
        for m in milestones
    ]
    chart = gantt(
        rows,
        title=_("Milestones of %(project)s") % {"project": project.title},
        chart_id=f"gantt-{project.pk}",
        legend=_legend(),
    )
    return chart, [(m, m.pk in critical) for m in milestones]


def _legend() -> dict:
    return {"planned": _("planned"), "actual": _("actual"), "critical": _("critical path")}


@require_GET
def project_detail(request, code: str):
    project = _project_or_404(request, code)
    chart, milestones = milestone_gantt(project)
    can_edit = _can_edit(request)
    changes = []
    if can_edit:
        names = {m.inegi_code: m.name for m in Municipality.objects.all()}
        changes = history.in_words(history.recent_changes(project), names)
    return render(
        request,
        "cooperation/project.html",
        {
            "project": project,
            "gantt": chart,
            "milestones": milestones,
            "can_edit": can_edit,
            "changes": changes,
            "iati": publication.review(project) if can_edit else None,
        },
    )


@require_GET
def timeline(request):
    f = selectors.portfolio_filter(request.GET)
    projects = [
        p
        for p in selectors.filter_portfolio(selectors.visible_projects(request.user), f).order_by(
            "planned_start", "actual_start", "code"
        )
        if p.start
    ]
    today = timezone.localdate()
    rows = [
        GanttRow(
            label=p.title,
            planned_start=p.planned_start or p.start,
            planned_end=p.planned_end or p.actual_end or max(p.start, today),
            actual_start=p.actual_start,
            actual_end=p.actual_end or (today if p.actual_start else None),
            href=reverse("cooperation:project", args=[p.code]),
        )
        for p in projects
    ]
    legend = {key: text for key, text in _legend().items() if key != "critical"}
    chart = gantt(rows, title=_("Portfolio timeline"), chart_id="portfolio-gantt", legend=legend)
    return render(
        request, "cooperation/timeline.html", {"gantt": chart, "projects": projects, "filter": f}
    )


@require_GET
def dashboard(request):
    f = selectors.portfolio_filter(request.GET)
    projects = selectors.filter_portfolio(selectors.visible_projects(request.user), f)
    data = selectors.dashboard(projects)
    mxn = " MXN"
    return render(
        request,
        "cooperation/dashboard.html",
        {
            "data": data,
            "filter": f,
            "stage_chart": bar_chart(
                [(label, n) for _code, label, n in data.by_stage],
                title=_("Projects by stage"),
                chart_id="by-stage",
            ),
            "theme_chart": bar_chart(
                data.by_theme, title=_("Committed amounts by theme"), chart_id="by-theme", unit=mxn
            ),
            "partner_chart": bar_chart(
                data.by_partner,
                title=_("Committed amounts by funder"),
                chart_id="by-partner",
                unit=mxn,
            ),
            "year_chart": bar_chart(
                [(str(y), v) for y, v in data.by_year],
                title=_("Committed amounts by year"),
                chart_id="by-year",
                unit=mxn,
            ),
            "municipality_chart": bar_chart(
                data.municipalities,
                title=_("Projects reaching each municipality"),
                chart_id="by-municipality",
            ),
        },
    )


def _calendar_month(text: str, today: date) -> tuple[int, int]:
    """The (year, month) the calendar shows: this month when none is asked for. Beyond the
    years a cooperation record may carry, the month before or after cannot be written (year
    0 or 10000), and Python's calendar cannot draw year 9999's last week: both answered 500."""
    if not text:
        return today.year, today.month
    match = re.fullmatch(r"([0-9]{4})-([0-9]{2})", text)
    year, month = (int(match[1]), int(match[2])) if match else (0, 0)
    if not (EARLIEST_DATE.year <= year <= LATEST_DATE.year and 1 <= month <= 12):
        raise DomainError(
            CooperationErrorCode.INVALID_MONTH,
            earliest=EARLIEST_DATE.year,
            latest=LATEST_DATE.year,
        )
    return year, month


@require_GET
def opportunity_calendar(request):
    if (response := _staff_only(request, "cooperation.view_pipeline")) is not None:
        return response
    today = timezone.localdate()
    year, month = _calendar_month(request.GET.get("month", ""), today)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    opportunities = list(
        selectors.upcoming_opportunities().filter(
            deadline__gte=weeks[0][0], deadline__lte=weeks[-1][-1]
        )
    )
    by_day: dict[date, list] = {}
    for o in opportunities:
        by_day.setdefault(o.deadline, []).append(o)
    previous = date(year - (month == 1), 12 if month == 1 else month - 1, 1)
    following = date(year + (month == 12), 1 if month == 12 else month + 1, 1)
    return render(
        request,
        "cooperation/calendar.html",
        {
            "month": date(year, month, 1),
            "weeks": [[(d, by_day.get(d, []), d.month == month) for d in week] for week in weeks],
            "weekdays": [date(2024, 1, i) for i in range(1, 8)],  # a Monday-first week
            "previous": previous.strftime("%Y-%m"),
            "following": following.strftime("%Y-%m"),
            "upcoming": selectors.upcoming_opportunities(since=today)[:20],
            "today": today,
        },
    )


@require_http_methods(["GET", "POST"])
def project_edit(request, code: str | None = None):
    if (response := _staff_only(request, "cooperation.edit_project")) is not None:
        return response
    project = _project_or_404(request, code) if code else None
    initial = ProjectForm.initial_from(project) if project else {"countries": "MX"}
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.save_project(data=form.to_input(), by=request.user, project=project)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("The project was saved."))
            return redirect("cooperation:project", code=project.code)
    return render(
        request,
        "cooperation/project_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )


def _sub_form(request, code: str, form_class, title: str, save, *, form_kwargs):
    if (response := _staff_only(request, "cooperation.edit_project")) is not None:
        return response
    project = _project_or_404(request, code)
    form = form_class(request.POST or None, request.FILES or None, **form_kwargs(project))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(project, form.cleaned_data)
        except StorageUnavailable as error:  # the instrument's file could not be written
            add_to_form(form, error)
            status = status_of(error)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("cooperation:project", code=project.code)
    return render(
        request,
        "cooperation/sub_form.html",
        {"form": form, "project": project, "title": title, "multipart": True},
        status=status if status != 200 else (400 if form.errors else 200),
    )


@require_http_methods(["GET", "POST"])
def amount_add(request, code: str):
    def save(project, d):
        services.add_amount(
            project=project,
            kind=d["kind"],
            currency=d["currency"].strip().upper(),
            value=d["value"],
            value_date=d["value_date"],
            provider=d["provider"],
            description=d["description"],
            is_ceiling=d["is_ceiling"],
            by=request.user,
        )

    return _sub_form(request, code, AmountForm, _("Add an amount"), save, form_kwargs=_no_kwargs)


@require_http_methods(["GET", "POST"])
def participation_add(request, code: str):
    def save(project, d):
        organisation = d["organisation"] or services.ensure_organisation(name=d["new_organisation"])
        services.add_participation(
            project=project, organisation=organisation, role=d["role"], by=request.user
        )

    return _sub_form(
        request, code, ParticipationForm, _("Add a partner"), save, form_kwargs=_no_kwargs
    )


@require_http_methods(["GET", "POST"])
def milestone_add(request, code: str):
    def save(project, d):
        services.add_milestone(
            project=project,
            title=d["title"],
            planned_start=d["planned_start"],
            planned_end=d["planned_end"],
            actual_start=d["actual_start"],
            actual_end=d["actual_end"],
            depends_on=list(d["depends_on"]),
            by=request.user,
        )

    return _sub_form(
        request,
        code,
        MilestoneForm,
        _("Add a milestone"),
        save,
        form_kwargs=lambda project: {"project": project},
    )


@require_http_methods(["GET", "POST"])
def instrument_add(request, code: str):
    def save(project, d):
        services.add_legal_instrument(
            project=project,
            kind=d["kind"],
            title=d["title"],
            signed_on=d["signed_on"],
            valid_until=d["valid_until"],
            reference=d["reference"],
            parties=list(d["parties"]),
            file=d["file"],
            by=request.user,
        )

    return _sub_form(
        request,
        code,
        LegalInstrumentForm,
        _("Add a legal instrument"),
        save,
        form_kwargs=_no_kwargs,
    )


@require_http_methods(["GET", "POST"])
def result_add(request, code: str):
    def save(project, d):
        services.add_result(project=project, by=request.user, **d)

    return _sub_form(request, code, ResultForm, _("Add a result"), save, form_kwargs=_no_kwargs)


@require_http_methods(["GET", "POST"])
def document_add(request, code: str):
    def save(project, d):
        services.add_document(
            project=project,
            title=d["title"],
            url=d["url"],
            category=d["category"],
            document_date=d["document_date"],
            by=request.user,
        )

    return _sub_form(request, code, DocumentForm, _("Add a document"), save, form_kwargs=_no_kwargs)


@require_http_methods(["GET", "POST"])
def opportunity_edit(request, pk: int | None = None):
    if (response := _staff_only(request, "cooperation.edit_pipeline")) is not None:
        return response
    opportunity = get_object_or_404(Opportunity, pk=pk) if pk else None
    form = OpportunityForm(request.POST or None, instance=opportunity)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in OpportunityForm.Meta.fields}
        try:
            services.save_opportunity(by=request.user, opportunity=opportunity, **fields)
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("cooperation:calendar")
    return render(
        request,
        "cooperation/opportunity_form.html",
        {"form": form, "opportunity": opportunity},
        status=400 if form.errors else 200,
    )


@require_GET
def instrument_file(request, pk: int):
    """The file of a legal instrument, for the office only (it is never public)."""
    if (response := _staff_only(request, "cooperation.edit_project")) is not None:
        return response
    instrument = get_object_or_404(LegalInstrument, pk=pk)
    if not instrument.file:
        raise Http404(_("This instrument has no file."))
    return FileResponse(
        instrument.file.open("rb"),
        as_attachment=True,
        filename=instrument.file.name.rsplit("/", 1)[-1],
    )


def _no_kwargs(project) -> dict:
    return {}


@require_http_methods(["GET", "POST"])
def import_projects(request):
    if (response := _staff_only(request, "cooperation.import_projects")) is not None:
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    rows = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            rows = spreadsheets.read_rows(form.cleaned_data["file"])
            outcome = services.import_projects(rows=rows, by=request.user)
        except spreadsheets.SpreadsheetError as error:
            form.add_error("file", str(error))
        except services.ImportRefused as refused:
            rows = refused.rows
            add_to_form(form, refused)
        else:
            messages.success(
                request,
                _("Imported: %(created)d new projects, %(updated)d updated.")
                % {"created": len(outcome.created), "updated": len(outcome.updated)},
            )
            return redirect("cooperation:home")
        status = 400
    elif form.errors:
        status = 400
    return render(
        request,
        "cooperation/import.html",
        {
            "form": form,
            "rows": rows,
            "columns": [(c.key, c.describe()) for c in spreadsheets.COLUMNS],
        },
        status=status,
    )


@require_GET
def xlsx_template(request):
    buffer = io.BytesIO()
    spreadsheets.template_workbook().save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="cooperation-projects-template.xlsx"'
    return response
