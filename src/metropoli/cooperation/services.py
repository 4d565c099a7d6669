"""Every write to the cooperation registry. Keyword-only, one transaction each.

``by`` is the person acting; ``None`` means the system itself (demo loader, management
commands run by the operator), which skips the permission check but is still recorded in
the change history as "system".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.history import ChangeAction, record_change
from metropoli.common.i18n import gettext_noop
from metropoli.territory.models import Municipality

from .checks import (
    Errors,
    ProjectInput,
    actual_order_message,
    check_actual_dates_not_future,
    check_amount,
    check_date_order,
    check_plausible_dates,
    check_project,
    format_themes,
    parse_decimal,
    planned_order_message,
)
from .errors import CooperationErrorCode
from .models import (
    Amount,
    Document,
    LegalInstrument,
    Milestone,
    Opportunity,
    Organisation,
    Participation,
    ParticipationRole,
    Project,
    ProjectTheme,
    Result,
    Stage,
)
from .schedule import Task, find_cycle

MAX_INSTRUMENT_BYTES = 10 * 1024 * 1024
# Signed agreements arrive as PDF; drafts as Word or LibreOffice files (zip containers).
INSTRUMENT_SIGNATURES = {".pdf": b"%PDF-", ".docx": b"PK\x03\x04", ".odt": b"PK\x03\x04"}


# `by=None`: the platform itself (a command, the demo loader), not a person; no rule to check.
REGISTRY_ONLY = gettext_noop("Only the cooperation office can change the registry.")


def _record(project: Project, by, name: str, old: object, new: object) -> None:
    """One change of a project in its history (nothing when the value stayed the same)."""
    record_change(project, by, ChangeAction.UPDATE, {name: (old, new)})


@transaction.atomic
def ensure_organisation(
    *, name: str, name_en: str = "", iati_ref: str = "", org_type: str = "", country: str = ""
) -> Organisation:
    """The organisation with this name, created if absent; empty details are filled in."""
    name = name.strip()
    if not name:
        raise DomainError(CooperationErrorCode.ORGANISATION_NAME_REQUIRED, on_field="organisation")
    org, created = Organisation.objects.get_or_create(
        name=name,
        defaults={
            "name_en": name_en,
            "iati_ref": iati_ref,
            "org_type": org_type,
            "country": country,
        },
    )
    if not created:
        changed = []
        for attr, value in (
            ("name_en", name_en),
            ("iati_ref", iati_ref),
            ("org_type", org_type),
            ("country", country),
        ):
            if value and not getattr(org, attr):
                setattr(org, attr, value)
                changed.append(attr)
        if changed:
            org.save(update_fields=changed)
    return org


_SIMPLE_FIELDS = (
    "title",
    "title_en",
    "summary",
    "summary_en",
    "stage",
    "institute_role",
    "scheme",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "is_public",
    "provenance",
)


def _set_project_fields(project: Project, data: ProjectInput) -> dict[str, tuple]:
    """Apply ``data`` to ``project`` (unsaved); return {field: (old, new)} of what changed."""
    changes: dict[str, tuple] = {}
    for name in _SIMPLE_FIELDS:
        new = getattr(data, name)
        old = getattr(project, name)
        if old != new:
            changes[name] = (old, new)
            setattr(project, name, new)
    for name, values in (
        ("modalities", data.modalities),
        ("sdg_goals", data.sdg_goals),
        ("sdg_targets", data.sdg_targets),
        ("countries", data.countries),
    ):
        new = " ".join(dict.fromkeys(values))
        old = getattr(project, name)
        if old != new:
            changes[name] = (old, new)
            setattr(project, name, new)
    return changes


@transaction.atomic
def save_project(*, data: ProjectInput, by, project: Project | None = None) -> Project:
    """Create a project (``project`` None) or update it; refuse invalid data entirely."""
    if by is not None:
        require(by, "cooperation.edit_project", message=REGISTRY_ONLY)
    known = set(Municipality.objects.values_list("inegi_code", flat=True))
    errors = check_project(data, known_municipalities=known)
    duplicate = Project.objects.filter(code=data.code)
    if project is not None:
        duplicate = duplicate.exclude(pk=project.pk)
    if duplicate.exists():
        errors.add(
            "code", _("Another project already uses the code “%(code)s”.") % {"code": data.code}
        )
    errors.raise_if_any()
    creating = project is None
    # One change, one history record: its fields in the order they were changed.
    history: dict[str, tuple[object, object]] = {}
    if creating:
        project = Project(code=data.code)
    elif project.code != data.code:
        history["code"] = (project.code, data.code)
        project.code = data.code
    changes = _set_project_fields(project, data)
    project.save()
    history.update(changes)

    themes = {theme: parse_decimal(pct) for theme, pct in data.themes.items()}
    old_themes = format_themes((t.theme, t.percentage) for t in project.themes.all())
    project.themes.all().delete()
    ProjectTheme.objects.bulk_create(
        ProjectTheme(project=project, theme=theme, percentage=pct) for theme, pct in themes.items()
    )
    history["themes"] = (old_themes, format_themes(themes.items()))

    municipalities = list(Municipality.objects.filter(inegi_code__in=data.municipality_codes))
    old_codes = " ".join(sorted(project.municipalities.values_list("inegi_code", flat=True)))
    project.municipalities.set(municipalities)
    history["municipalities"] = (old_codes, " ".join(sorted(data.municipality_codes)))
    if creating:
        record_change(project, by, ChangeAction.CREATE, {"created": ("", project.code)})
    else:
        record_change(project, by, ChangeAction.UPDATE, history)
    return project


@transaction.atomic
def change_stage(*, project: Project, stage: str, by) -> Project:
    if by is not None:
        require(by, "cooperation.edit_project", message=REGISTRY_ONLY)
    if stage not in Stage.values:
        raise DomainError(CooperationErrorCode.UNKNOWN_STAGE, on_field="stage", value=stage)
    if stage == Stage.CLOSED and project.actual_end is None:
        raise DomainError(CooperationErrorCode.CLOSED_WITHOUT_END, on_field="stage")
    _record(project, by, "stage", project.stage, stage)
    project.stage = stage
    project.save(update_fields=["stage", "updated_at"])
    return project


@transaction.atomic
def add_participation(
    *, project: Project, organisation: Organisation, role: str, by
) -> Participation:
    if by is not None:
        require(by, "cooperation.edit_project", message=REGISTRY_ONLY)
    if role not in ParticipationRole.values:
        raise DomainError(CooperationErrorCode.UNKNOWN_ROLE, on_field="role", value=role)
    participation, created = Participation.objects.get_or_create(
        project=project, organisation=organisation, role=role
    )
    if created:
        _record(project, by, "partners", "", f"{organisation.name} ({role})")
    return participation


@transaction.atomic
def add_amount(
    *,
    project: Project,
    kind: str,
    currency: str,
    value: object,
    value_date: date | None,
    by,
    provider: Organisation | None = None,
    description: str = "",
    is_ceiling: bool = False,
) -> Amount:
    if by is not None:
        require(by, "cooperation.edit_project", message=REGISTRY_ONLY)
    errors = Errors()
    number = check_amount(errors, currency=currency, value=value, value_date=value_date)
    if kind not in ("committed", "disbursed"):
        errors.add("kind", _("Unknown kind of amount “%(value)s”.") % {"value": kind})
    errors.raise_if_any()
    amount = Amount.objects.create(
        project=project,
        kind=kind,
        currency=currency,
        value=number,
        value_date=value_date,
        provider=provider,
        description=description,
        is_ceiling=is_ceiling,
    )
    _record(project, by, f"amount.{kind}", "", f"{currency} {number} ({value_date})")
    return amount


@transaction.atomic
def add_milestone(
    *,
    project: Project,
    title: str,
    planned_start: date,
    planned_end: date,
    by,
    actual_start: date | None = None,
    actual_end: date | None = None,
    depends_on: Sequence[Milestone] = (),
) -> Milestone:
    if by is not None:
        require(by, "cooperation.edit_project", message=REGISTRY_ONLY)
    errors = Errors()
    if not title.strip():
        errors.add("title", _("The title cannot be empty."))
    check_date_order(
        errors, planned_start, planned_end, end_field="planned_end", message=planned_order_message()
    )
    check_date_order(
        errors, actual_start, actual_end, end_field="actual_end", message=actual_order_message()
    )
    check_plausible_dates(
        errors,
        planned_start=planned_start,
        planned_end=planned_end,
        actual_start=actual_start,
        actual_end=actual_end,
    )
    check_actual_dates_not_future(errors, actual_start=actual_start, actual_end=actual_end)
    if any(dep.project_id != project.pk for dep in depends_on):
        errors.add("depends_on", _("A milestone can only depend on milestones of its project."))
    errors.raise_if_any()
    milestone = Milestone.objects.create(
        project=project,
        title=title,
        planned_start=planned_start,
        planned_end=planned_end,
        actual_start=actual_start,
        actual_end=actual_end,
    )
    milestone.depends_on.set(depends_on)
    _record(project, by, "milestones", "", title)
    return milestone


@transaction.atomic
def set_milestone_dependencies(
    *, milestone: Milestone, depends_on: Sequence[Milestone], by
) -> Milestone:
    if by is not None:
        require(by, "cooperation.edit_project", message=REGISTRY_ONLY)
    tasks = {
        m.pk: Task(m.planned_start, m.planned_end, [d.pk for d in m.depends_on.all()])
        for m in milestone.project.milestones.prefetch_related("depends_on")
    }
    tasks[milestone.pk] = Task(
        milestone.planned_start, milestone.planned_end, [d.pk for d in depends_on]
    )
    if find_cycle(tasks):
        raise DomainError(CooperationErrorCode.DEPENDENCY_CYCLE, on_field="depends_on")
    milestone.depends_on.set(depends_on)
    return milestone


def _check_instrument_file(errors: Errors, upload: UploadedFile | None) -> None:
    if upload is None:
        return
    name = upload.name.lower()
    extension = next((ext for ext in INSTRUMENT_SIGNATURES if name.endswith(ext)), None)
    if upload.size > MAX_INSTRUMENT_BYTES:
        errors.add("file", _("The file is larger than 10 MB."))
        return
    head = upload.read(8)
    upload.seek(0)
    if extension is None or not head.startswith(INSTRUMENT_SIGNATURES[extension]):
        errors.add("file", _("Upload the instrument as a PDF, DOCX or ODT file."))


@transaction.atomic
def add_legal_instrument(
    *,
    project: Project,
    kind: str,
    title: str,
    by,
    signed_on: date | None = None,
    valid_until: date | None = None,
    reference: str = "",
    parties: Iterable[Organisation] = (),
    file: UploadedFile | None = None,
) -> LegalInstrument:
    if by is not None:
        require(by, "cooperation.edit_project", message=REGISTRY_ONLY)
    errors = Errors()
    if not title.strip():
        errors.add("title", _("The title cannot be empty."))
    if signed_on and signed_on > timezone.localdate():
        errors.add("signed_on", _("The signature date cannot be in the future."))
    check_date_order(
        errors,
        signed_on,
        valid_until,
        end_field="valid_until",
        message=_("The instrument's validity (%(end)s) ends before its signature (%(start)s)."),
    )
    check_plausible_dates(errors, signed_on=signed_on, valid_until=valid_until)
    _check_instrument_file(errors, file)
    errors.raise_if_any()
    instrument = LegalInstrument(
        project=project,
        kind=kind,
        title=title,
        signed_on=signed_on,
        valid_until=valid_until,
        reference=reference,
    )
    if file is not None:
        instrument.file.save(file.name.rsplit("/", 1)[-1], file, save=False)
    instrument.save()
    instrument.parties.set(parties)
    _record(project, by, "legal_instruments", "", title)
    return instrument


@transaction.atomic
def add_result(
    *,
    project: Project,
    result_type: str,
    title: str,
    indicator: str,
    period_start: date,
    period_end: date,
    by,
    description: str = "",
    target: str = "",
    actual: str = "",
) -> Result:
    if by is not None:
        require(by, "cooperation.edit_project", message=REGISTRY_ONLY)
    errors = Errors()
    check_date_order(
        errors,
        period_start,
        period_end,
        end_field="period_end",
        message=_("The end of the period (%(end)s) is before its start (%(start)s)."),
    )
    check_plausible_dates(errors, period_start=period_start, period_end=period_end)
    errors.raise_if_any()
    result = Result.objects.create(
        project=project,
        result_type=result_type,
        title=title,
        description=description,
        indicator=indicator,
        target=target,
        actual=actual,
        period_start=period_start,
        period_end=period_end,
    )
    _record(project, by, "results", "", title)
    return result


@transaction.atomic
def add_document(
    *, project: Project, title: str, url: str, by, category: str = "A12", **extra
) -> Document:
    if by is not None:
        require(by, "cooperation.edit_project", message=REGISTRY_ONLY)
    if not url.startswith(("https://", "http://")):
        raise DomainError(CooperationErrorCode.INVALID_URL, on_field="url")
    errors = Errors()
    check_plausible_dates(errors, document_date=extra.get("document_date"))
    errors.raise_if_any()
    document = Document.objects.create(
        project=project, title=title, url=url, category=category, **extra
    )
    _record(project, by, "documents", "", title)
    return document


# --- spreadsheet import ----------------------------------------------------------------------


class ImportRefused(DomainError):
    """Some rows are wrong: nothing was imported. ``rows`` carries every row's errors."""

    def __init__(self, rows):
        super().__init__(CooperationErrorCode.IMPORT_REFUSED)
        self.rows = rows


@dataclass(frozen=True)
class ImportOutcome:
    created: list[str]
    updated: list[str]


@transaction.atomic
def import_projects(*, rows, by) -> ImportOutcome:
    """Create or update (by code) every row, or none: any row error refuses the whole file."""
    if by is not None:
        require(
            by,
            "cooperation.import_projects",
            message=gettext_noop("Only the cooperation office can import projects."),
        )
    known = set(Municipality.objects.values_list("inegi_code", flat=True))
    seen: dict[str, int] = {}
    for row in rows:
        errors = check_project(row.data, known_municipalities=known)
        if row.committed is not None:
            currency, value, value_date = row.committed
            check_amount(
                errors, currency=currency, value=value, value_date=value_date, prefix="committed_"
            )
        if row.data.code in seen:
            errors.add(
                "code",
                _("The code “%(code)s” is already used in row %(row)d.")
                % {"code": row.data.code, "row": seen[row.data.code]},
            )
        seen.setdefault(row.data.code, row.number)
        for name, messages in errors.items():
            row.errors.extend(f"{name}: {message}" for message in messages)
    if not rows or any(row.errors for row in rows):
        raise ImportRefused(rows)
    created: list[str] = []
    updated: list[str] = []
    existing = {p.code: p for p in Project.objects.filter(code__in=seen)}
    for row in rows:
        project = existing.get(row.data.code)
        project = save_project(data=row.data, by=by, project=project)
        (updated if row.data.code in existing else created).append(project.code)
        for name, role in row.partners:
            add_participation(
                project=project, organisation=ensure_organisation(name=name), role=role, by=by
            )
        if row.committed is not None:
            currency, value, value_date = row.committed
            already = project.amounts.filter(
                kind="committed",
                currency=currency,
                value=parse_decimal(value),
                value_date=value_date,
            ).exists()
            if not already:
                add_amount(
                    project=project,
                    kind="committed",
                    currency=currency,
                    value=value,
                    value_date=value_date,
                    by=by,
                )
    return ImportOutcome(created, updated)


# --- opportunities ---------------------------------------------------------------------------


@transaction.atomic
def save_opportunity(*, by, opportunity: Opportunity | None = None, **fields) -> Opportunity:
    """Create or update an opportunity of the pipeline (calls, awards, events)."""
    if by is not None:
        require(
            by,
            "cooperation.edit_pipeline",
            message=gettext_noop("Only the cooperation office can change the pipeline."),
        )
    if not str(fields.get("title", "")).strip():
        raise DomainError(CooperationErrorCode.TITLE_REQUIRED, on_field="title")
    if fields.get("deadline") is None:
        raise DomainError(CooperationErrorCode.DEADLINE_REQUIRED, on_field="deadline")
    errors = Errors()
    check_plausible_dates(errors, deadline=fields["deadline"])
    errors.raise_if_any()
    opportunity = opportunity or Opportunity()
    for name, value in fields.items():
        setattr(opportunity, name, value)
    try:
        opportunity.full_clean()
    except ValidationError as error:  # the model's own rules, said per field
        raise Errors.of(error).refusal() from error
    opportunity.save()
    return opportunity
