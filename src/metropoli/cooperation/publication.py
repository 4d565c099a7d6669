"""Maps the registry's Django models onto ``cooperation.iati`` and publishes IATI 2.03.

Only public projects are published. A public project that breaks an IATI rule (an error,
not a warning) is left out of the file and reported, so one bad record never blocks the
publication of the others; the document that is returned always validates against the XSD.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from django.utils.translation import gettext as _

from . import iati, publisher
from .checks import iati_dir
from .models import AmountKind, InstituteRole, ParticipationRole, Project
from .selectors import with_details

_NUMBER = r"^-?\d+(\.\d+)?$"


class IatiUnavailable(RuntimeError):
    """The official IATI distribution (XSD + codelists) is not installed."""


def require_iati_dir() -> Path:
    directory = iati_dir()
    if directory is None:
        raise IatiUnavailable(
            _(
                "The IATI 2.03 schema is not installed. Download the official distribution "
                "(iati-activities-schema.xsd, iati-common.xsd, xml.xsd and codelists/) and set "
                "METROPOLI_IATI_DIR to its folder."
            )
        )
    return directory


class PublisherNotSet(IatiUnavailable):
    """Nobody said yet who publishes: no publisher saved and no fallback in the settings."""


def require_publisher() -> publisher.Publisher:
    found = publisher.current()
    if found is None:
        raise PublisherNotSet(
            _(
                "The IATI publisher is not set: the cooperation office gives the institute's "
                "IATI organisation identifier in Cooperation → IATI publisher."
            )
        )
    return found


def reporting_org(found: publisher.Publisher | None = None) -> iati.ReportingOrg:
    found = found or require_publisher()
    return iati.ReportingOrg(ref=found.ref, type=found.type, name=iati.Text(found.name))


def _org(organisation) -> iati.Organisation:
    return iati.Organisation(
        name=iati.Text(organisation.name, organisation.name_en or None),
        ref=organisation.iati_ref or None,
        type=organisation.org_type or None,
    )


def _countries(codes: list[str]) -> tuple[iati.RecipientCountry, ...]:
    if len(codes) == 1:
        return (iati.RecipientCountry(code=codes[0]),)
    # Equal shares, the rounding remainder on the first so they add up to exactly 100.
    share = (Decimal(100) / len(codes)).quantize(Decimal("0.01"))
    first = Decimal(100) - share * (len(codes) - 1)
    return tuple(
        iati.RecipientCountry(code=code, percentage=first if i == 0 else share)
        for i, code in enumerate(codes)
    )


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def _result(result) -> iati.Result:
    numeric = all(_is_number(v) for v in (result.target, result.actual) if v)
    period = iati.IndicatorPeriod(
        start=result.period_start,
        end=result.period_end,
        target=(result.target or None) if numeric else None,
        actual=(result.actual or None) if numeric else None,
    )
    return iati.Result(
        type=iati.ResultType(result.result_type),
        title=iati.Text(result.title),
        description=iati.Text(result.description) if result.description else None,
        indicators=(
            iati.Indicator(
                title=iati.Text(result.indicator),
                measure=iati.IndicatorMeasure.UNIT
                if numeric
                else iati.IndicatorMeasure.QUALITATIVE,
                periods=(period,),
            ),
        ),
    )


def project_to_activity(
    project: Project,
    org: iati.ReportingOrg,
    *,
    currency: str = "MXN",
    language: str = "es",
) -> iati.Activity:
    participations = list(project.participations.all())
    funders = [p.organisation for p in participations if p.role == ParticipationRole.FUNDER]
    receives = project.institute_role in (InstituteRole.RECEIVER, InstituteRole.DUAL)
    institute = iati.Organisation(name=org.name, ref=org.ref, type=org.type)
    transactions = []
    for amount in project.amounts.all():
        if amount.kind == AmountKind.COMMITTED:
            kind = (
                iati.TransactionKind.INCOMING_COMMITMENT
                if receives
                else iati.TransactionKind.OUTGOING_COMMITMENT
            )
        else:
            kind = (
                iati.TransactionKind.INCOMING_FUNDS
                if receives
                else iati.TransactionKind.DISBURSEMENT
            )
        provider = amount.provider or (funders[0] if funders else None)
        transactions.append(
            iati.Transaction(
                kind=kind,
                date=amount.value_date,
                amount=iati.Money(
                    value=amount.value,
                    value_date=amount.value_date,
                    currency=None if amount.currency == currency else amount.currency,
                ),
                provider=_org(provider) if provider else (None if receives else institute),
                receiver=institute if receives else None,
                description=iati.Text(amount.description) if amount.description else None,
            )
        )
    municipalities = tuple(
        iati.Municipality(
            name=m.name,
            inegi_code=m.inegi_code,
            point=iati.Point(Decimal(str(round(m.seat.y, 4))), Decimal(str(round(m.seat.x, 4))))
            if m.seat
            else None,
        )
        for m in project.municipalities.all()
    )
    return iati.Activity(
        identifier=f"{org.ref}-{project.code}",
        title=iati.Text(project.title, project.title_en or None),
        description=iati.Text(project.summary, project.summary_en or None),
        stage=iati.Stage(project.stage),
        participants=tuple(
            iati.Participant(org=_org(p.organisation), role=iati.OrgRole(p.role))
            for p in participations
        ),
        modalities=tuple(iati.Modality(m) for m in project.modality_list),
        scheme=iati.Scheme(project.scheme),
        institute_role=iati.InstituteRole(project.institute_role),
        sectors=iati.sectors_from_themes({t.theme: t.percentage for t in project.themes.all()}),
        recipient_countries=_countries(project.country_list or ["MX"]),
        municipalities=municipalities,
        sdg_goals=tuple(project.goal_list),
        sdg_targets=tuple(project.target_list),
        dates=iati.ActivityDates(
            planned_start=project.planned_start,
            actual_start=project.actual_start,
            planned_end=project.planned_end,
            actual_end=project.actual_end,
        ),
        transactions=tuple(transactions),
        legal_instruments=tuple(
            iati.LegalInstrument(
                kind=iati.LegalInstrumentKind(li.kind),
                title=iati.Text(li.title),
                signed_on=li.signed_on,
                valid_until=li.valid_until,
                reference=li.reference or None,
                parties=tuple(_org(o) for o in li.parties.all()),
            )
            for li in project.legal_instruments.all()
        ),
        milestones=tuple(
            iati.Milestone(
                date=m.actual_end or m.planned_end,
                title=iati.Text(m.title),
                achieved=m.achieved,
            )
            for m in project.milestones.all()
        ),
        results=tuple(_result(r) for r in project.results.all()),
        documents=tuple(
            iati.Document(
                url=d.url,
                title=iati.Text(d.title),
                category=d.category,
                format=d.file_format,
                document_date=d.document_date,
            )
            for d in project.documents.all()
        ),
        default_currency=currency,
        default_language=language,
        last_updated=project.updated_at.replace(microsecond=0),
    )


def _messages(violations) -> tuple[list[str], list[str]]:
    """The errors (of the activity) and the warnings, in the active language."""

    def text(v) -> str:
        return _(v.message_template) % v.params if v.params else _(v.message_template)

    errors = [
        text(v) for v in violations if v.severity == iati.Severity.ERROR and v.activity_identifier
    ]
    warnings = [text(v) for v in violations if v.severity == iati.Severity.WARNING]
    return errors, warnings


@dataclass
class Review:
    """What the IATI rules say of one project before it is exported."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unavailable: str = ""  # why the check could not run (no schema, no publisher)


def review(project: Project) -> Review:
    """Check one project against IATI's rules, as ``publish`` would (public or not)."""
    try:
        directory = require_iati_dir()
        found = require_publisher()
    except IatiUnavailable as error:
        return Review(unavailable=str(error))
    org = reporting_org(found)
    codelists = iati.load_codelists(directory / "codelists")
    detailed = (
        with_details(Project.objects.filter(pk=project.pk))
        .prefetch_related("legal_instruments__parties", "milestones", "results", "documents")
        .get()
    )
    activity = project_to_activity(detailed, org, currency=found.currency, language=found.language)
    generated_at = datetime.now(UTC).replace(microsecond=0)
    errors, warnings = _messages(
        iati.check_rules([activity], codelists, reporting_org=org, generated_at=generated_at)
    )
    return Review(errors=errors, warnings=warnings)


@dataclass
class Publication:
    xml: bytes | None
    published: list[str] = field(default_factory=list)
    # project code -> messages of the IATI rules it breaks (left out of the file)
    excluded: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)


def publishable(projects: Iterable[Project] | None = None):
    queryset = Project.objects.filter(is_public=True) if projects is None else projects
    return (
        with_details(queryset.filter(is_public=True))
        .prefetch_related("legal_instruments__parties", "milestones", "results", "documents")
        .order_by("code")
    )


def publish(projects=None, *, generated_at: datetime | None = None) -> Publication:
    """Build the IATI 2.03 document of the public projects (all, or those of ``projects``)."""
    directory = require_iati_dir()
    generated_at = generated_at or datetime.now(UTC).replace(microsecond=0)
    found = require_publisher()
    org = reporting_org(found)
    codelists = iati.load_codelists(directory / "codelists")
    report = Publication(xml=None)
    good: list[iati.Activity] = []
    for project in publishable(projects):
        activity = project_to_activity(
            project, org, currency=found.currency, language=found.language
        )
        errors, warnings = _messages(
            iati.check_rules([activity], codelists, reporting_org=org, generated_at=generated_at)
        )
        if warnings:
            report.warnings[project.code] = warnings
        if errors:
            report.excluded[project.code] = errors
            continue
        good.append(activity)
        report.published.append(project.code)
    if not good:
        return report
    xml = iati.build_activities_xml(org, good, generated_at)
    schema_errors = iati.validate_against_schema(xml, directory)
    if schema_errors:  # a builder bug, never bad data: refuse to publish an invalid file
        raise RuntimeError(
            "IATI document failed schema validation: "
            + "; ".join(f"{e.line}: {e.message}" for e in schema_errors[:5])
        )
    report.xml = xml
    return report
