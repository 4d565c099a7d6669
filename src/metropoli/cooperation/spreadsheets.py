"""Projects in and out of spreadsheets (XLSX template, XLSX and CSV exports).

The export and the import template share one column layout, so an exported portfolio can be
edited and imported back. The layout is documented in docs/guides/cooperation-office.md.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO
from zipfile import BadZipFile

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from metropoli.common import exports

from .checks import (
    ProjectInput,
    format_themes,
    parse_themes,
    split_codes,
)
from .models import THEME_LABELS, InstituteRole, Modality, ParticipationRole, Project, Scheme, Stage

SHEET = "projects"
MAX_ROWS = 2000


@dataclass(frozen=True)
class Column:
    key: str
    help: str
    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        text = str(self.help)
        return text % ", ".join(self.choices) if self.choices else text


_ONE_OF = gettext_lazy("One of: %s.")
COLUMNS: tuple[Column, ...] = (
    Column("code", gettext_lazy("Unique code: capitals, digits, hyphens (PIMUS). Required.")),
    Column("title", gettext_lazy("Title in Spanish. Required.")),
    Column("title_en", gettext_lazy("Title in English.")),
    Column("summary", gettext_lazy("Summary in Spanish. Required.")),
    Column("summary_en", gettext_lazy("Summary in English.")),
    Column("stage", gettext_lazy("One of: %s. Required."), tuple(Stage.values)),
    Column("modalities", gettext_lazy("Any of: %s (separated by spaces)."), tuple(Modality.values)),
    Column("institute_role", _ONE_OF, tuple(InstituteRole.values)),
    Column("scheme", _ONE_OF, tuple(Scheme.values)),
    Column(
        "themes",
        gettext_lazy("Theme:percentage pairs adding up to 100 (mobility:70, gender:30): %s."),
        tuple(THEME_LABELS),
    ),
    Column(
        "municipalities",
        gettext_lazy("INEGI codes of the beneficiary municipalities (14039 14120)."),
    ),
    Column("sdg_goals", gettext_lazy("SDG goals (11 13).")),
    Column("sdg_targets", gettext_lazy("SDG targets (11.2 13.b).")),
    Column("countries", gettext_lazy("Recipient countries, ISO 3166 (MX CO). Default MX.")),
    Column("planned_start", gettext_lazy("Date YYYY-MM-DD.")),
    Column("planned_end", gettext_lazy("Date YYYY-MM-DD.")),
    Column("actual_start", gettext_lazy("Date YYYY-MM-DD.")),
    Column("actual_end", gettext_lazy("Date YYYY-MM-DD.")),
    Column("public", gettext_lazy("yes / no: shown to everyone and published in IATI.")),
    Column("funders", gettext_lazy("Funding organisations, separated by “;”.")),
    Column("implementers", gettext_lazy("Implementing organisations, separated by “;”.")),
    Column("receivers", gettext_lazy("Receiving organisations, separated by “;”.")),
    Column("accountable", gettext_lazy("Accountable organisations, separated by “;”.")),
    Column("committed_currency", gettext_lazy("Currency of the committed amount (MXN).")),
    Column("committed_value", gettext_lazy("Committed amount, digits and a decimal point.")),
    Column("committed_value_date", gettext_lazy("Value date of the committed amount.")),
)
HEADERS = [c.key for c in COLUMNS]
ROLE_COLUMNS = {
    "funders": ParticipationRole.FUNDER,
    "implementers": ParticipationRole.IMPLEMENTER,
    "receivers": ParticipationRole.RECEIVER,
    "accountable": ParticipationRole.ACCOUNTABLE,
}
TRUE_WORDS = {"yes", "sí", "si", "true", "1", "x", "y", "s"}


@dataclass
class ImportRow:
    number: int  # row number in the sheet, as the person sees it
    data: ProjectInput | None
    partners: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    committed: tuple[str, object, date | None] | None = None  # currency, value, value date
    errors: list[str] = field(default_factory=list)


class SpreadsheetError(ValueError):
    """The file itself cannot be read (not an XLSX, no projects sheet, wrong headers)."""


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    # Our own exports mark formula-like text with an apostrophe; an import takes it off.
    return exports.uncell(str(value).strip())


def _date(value, column: str, errors: list[str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        errors.append(
            _("%(column)s: “%(value)s” is not a date (YYYY-MM-DD).")
            % {"column": column, "value": value}
        )
        return None


def template_workbook() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    help_sheet = workbook.create_sheet("instructions")
    help_sheet.append([_("column"), _("what to write")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    for column in COLUMNS:
        help_sheet.append([column.key, column.describe()])
    help_sheet.column_dimensions["A"].width = 24
    help_sheet.column_dimensions["B"].width = 90
    return workbook


# What openpyxl, zipfile, zlib, the XML parsers (lxml, expat) and defusedxml raise on a file
# that is not a sound workbook. Entity declarations are refused by defusedxml (a ValueError),
# which openpyxl uses for worksheets once installed; lxml's parser never expands them.
UNREADABLE = (
    InvalidFileException,
    BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    ValueError,
    SyntaxError,  # xml.etree's ParseError and lxml's XMLSyntaxError
)


def _causes(error: BaseException | None):
    """The error and what it wraps (openpyxl re-raises parser errors as a ValueError)."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


def _unreadable(error: BaseException) -> SpreadsheetError:
    causes = list(_causes(error))
    error = next((e for e in causes if isinstance(e, DefusedXmlException | SyntaxError)), error)
    if isinstance(error, DefusedXmlException):
        return SpreadsheetError(
            _(
                "The workbook declares XML entities, which are refused for safety. "
                "Save it again from your spreadsheet program."
            )
        )
    if isinstance(error, SyntaxError):
        line, column = getattr(error, "position", None) or (error.lineno, error.offset)
        return SpreadsheetError(
            _(
                "The workbook is damaged: one of its parts is not valid XML (line %(line)s, "
                "column %(column)s). Save it again from your spreadsheet program."
            )
            % {"line": line, "column": column}
        )
    return SpreadsheetError(_("The file is not an XLSX workbook."))


def read_rows(stream: IO[bytes]) -> list[ImportRow]:
    """Parse the projects sheet; per-row problems are collected, not raised.

    The sheet is read lazily, so damage inside it surfaces while the rows are read: the whole
    reading is guarded, and any of it is a SpreadsheetError in words, never a traceback.
    """
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except UNREADABLE as error:
        raise _unreadable(error) from error
    try:
        return _read_projects(workbook)
    except UNREADABLE as error:
        raise _unreadable(error) from error
    finally:
        workbook.close()


def _read_projects(workbook) -> list[ImportRow]:
    if SHEET not in workbook.sheetnames:
        raise SpreadsheetError(
            _("The workbook has no sheet named “%(sheet)s”; start from the template.")
            % {"sheet": SHEET}
        )
    rows = workbook[SHEET].iter_rows(values_only=True)
    header = [_text(h) for h in next(rows, ())]
    missing = [h for h in ("code", "title", "summary", "stage") if h not in header]
    if missing:
        raise SpreadsheetError(
            _("The first row lacks the columns %(columns)s; start from the template.")
            % {"columns": ", ".join(missing)}
        )
    result: list[ImportRow] = []
    for number, values in enumerate(rows, start=2):
        if number - 1 > MAX_ROWS:
            raise SpreadsheetError(
                _("The sheet has more than %(max)d projects; split it.") % {"max": MAX_ROWS}
            )
        cells = dict(zip(header, values, strict=False))
        if all(v in (None, "") for v in cells.values()):
            continue
        result.append(_row(number, cells))
    return result


def _row(number: int, cells: dict) -> ImportRow:
    errors: list[str] = []
    t = {key: _text(cells.get(key)) for key in HEADERS}
    data = ProjectInput(
        code=t["code"],
        title=t["title"],
        title_en=t["title_en"],
        summary=t["summary"],
        summary_en=t["summary_en"],
        stage=t["stage"],
        modalities=split_codes(t["modalities"]),
        institute_role=t["institute_role"] or InstituteRole.RECEIVER,
        scheme=t["scheme"] or Scheme.DIRECT,
        themes=parse_themes(t["themes"]),
        municipality_codes=split_codes(t["municipalities"]),
        sdg_goals=split_codes(t["sdg_goals"]),
        sdg_targets=split_codes(t["sdg_targets"]),
        countries=split_codes(t["countries"]) or ["MX"],
        planned_start=_date(cells.get("planned_start"), "planned_start", errors),
        planned_end=_date(cells.get("planned_end"), "planned_end", errors),
        actual_start=_date(cells.get("actual_start"), "actual_start", errors),
        actual_end=_date(cells.get("actual_end"), "actual_end", errors),
        is_public=t["public"].lower() in TRUE_WORDS,
    )
    partners = [
        (name.strip(), role)
        for column, role in ROLE_COLUMNS.items()
        for name in t[column].split(";")
        if name.strip()
    ]
    committed = None
    raw_value = cells.get("committed_value")
    if raw_value not in (None, ""):
        committed = (
            t["committed_currency"] or "MXN",
            raw_value,
            _date(cells.get("committed_value_date"), "committed_value_date", errors),
        )
    return ImportRow(number, data, partners, committed, errors)


def project_rows(projects: Iterable[Project]) -> Iterable[list[str]]:
    """One row per project in the template's column order (for XLSX and CSV)."""
    for p in projects:
        by_role: dict[str, list[str]] = {role: [] for role in ROLE_COLUMNS.values()}
        for participation in p.participations.all():
            by_role[participation.role].append(participation.organisation.name)
        committed = [a for a in p.amounts.all() if a.kind == "committed"]
        first = committed[0] if committed else None
        yield [
            p.code,
            p.title,
            p.title_en,
            p.summary,
            p.summary_en,
            p.stage,
            p.modalities,
            p.institute_role,
            p.scheme,
            format_themes((t.theme, t.percentage) for t in p.themes.all()),
            " ".join(sorted(m.inegi_code for m in p.municipalities.all())),
            p.sdg_goals,
            p.sdg_targets,
            p.countries,
            *(
                d.isoformat() if d else ""
                for d in (p.planned_start, p.planned_end, p.actual_start, p.actual_end)
            ),
            "yes" if p.is_public else "no",
            *("; ".join(by_role[role]) for role in ROLE_COLUMNS.values()),
            first.currency if first else "",
            f"{first.value:f}" if first else "",
            first.value_date.isoformat() if first else "",
        ]


def export_xlsx(projects: Iterable[Project]) -> bytes:
    workbook = template_workbook()
    sheet = workbook[SHEET]
    for row in project_rows(projects):
        exports.append_row(sheet, row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_csv(projects: Iterable[Project]) -> str:
    buffer = io.StringIO()
    writer = exports.csv_writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(project_rows(projects))
    return buffer.getvalue()
