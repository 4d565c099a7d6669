"""XLSX template, import (all-or-nothing with a per-row report) and XLSX/CSV export."""

import csv
import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from metropoli.cooperation import services, spreadsheets
from metropoli.cooperation.models import Amount, Participation, Project

from .conftest import project_input

pytestmark = pytest.mark.django_db

GOOD = {
    "code": "PACMETRO",
    "title": "Plan de Acción Climática Metropolitano",
    "summary": "Cooperación técnica de C40.",
    "stage": "closed",
    "modalities": "technical",
    "themes": "climate:60, mobility:40",
    "municipalities": "14039 14120",
    "sdg_goals": "13",
    "sdg_targets": "13.2",
    "planned_start": date(2019, 1, 1),
    "actual_start": "2019-01-01",
    "actual_end": "2021-12-31",
    "public": "sí",
    "funders": "C40 Cities",
    "receivers": "IMEPLAN; Gobierno de Guadalajara",
    "committed_currency": "MXN",
    "committed_value": 1500000.5,
    "committed_value_date": "2019-02-01",
}


def workbook(*rows: dict) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.title = "projects"
    sheet.append(spreadsheets.HEADERS)
    for row in rows:
        sheet.append([row.get(h) for h in spreadsheets.HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_template_command_writes_the_documented_columns(tmp_path):
    out = tmp_path / "template.xlsx"
    call_command("cooperation", "xlsx-template", str(out))
    book = load_workbook(out)
    assert [c.value for c in book["projects"][1]] == spreadsheets.HEADERS
    assert book["instructions"]["A2"].value == "code"


def test_good_import_creates_projects_partners_and_amount(municipalities, office):
    outcome = services.import_projects(rows=spreadsheets.read_rows(workbook(GOOD)), by=office)
    assert outcome.created == ["PACMETRO"] and outcome.updated == []
    project = Project.objects.get(code="PACMETRO")
    assert project.is_public and project.stage == "closed"
    assert sorted(m.inegi_code for m in project.municipalities.all()) == ["14039", "14120"]
    assert sorted((p.organisation.name, p.role) for p in project.participations.all()) == [
        ("C40 Cities", "funder"),
        ("Gobierno de Guadalajara", "receiver"),
        ("IMEPLAN", "receiver"),
    ]
    amount = project.amounts.get()
    assert (amount.currency, str(amount.value), amount.value_date) == (
        "MXN",
        "1500000.50",
        date(2019, 2, 1),
    )
    # Importing the same file again updates, and does not duplicate partners or amounts.
    again = services.import_projects(rows=spreadsheets.read_rows(workbook(GOOD)), by=office)
    assert again.updated == ["PACMETRO"]
    assert Amount.objects.count() == 1 and Participation.objects.count() == 3


def test_bad_rows_are_reported_and_nothing_is_imported(municipalities, office):
    bad = [
        GOOD,
        {**GOOD, "code": "MALO", "committed_value": "1.500.000", "themes": "climate:130"},
        {
            **GOOD,
            "code": "FECHAS",
            "planned_start": "2020-01-01",
            "planned_end": "2019-01-01",
            "sdg_targets": "13.9",
        },
        {**GOOD, "code": "PACMETRO", "actual_start": "ayer"},
    ]
    with translation.override("en"), pytest.raises(services.ImportRefused) as refused:
        services.import_projects(rows=spreadsheets.read_rows(workbook(*bad)), by=office)
    report = {row.number: row.errors for row in refused.value.rows}
    assert report[2] == []
    assert any("committed_value" in e and "is not an amount" in e for e in report[3])
    assert any("between 0 and 100" in e for e in report[3])
    assert any("planned_end" in e for e in report[4])
    assert any("13.9" in e for e in report[4])
    assert any("not a date" in e for e in report[5]) and any("row 2" in e for e in report[5])
    assert Project.objects.count() == 0 and Participation.objects.count() == 0


def test_not_a_workbook_is_refused_clearly():
    with pytest.raises(spreadsheets.SpreadsheetError):
        spreadsheets.read_rows(io.BytesIO(b"code,title\nX,Y\n"))


def test_import_page_shows_the_row_report(client, municipalities, office):
    client.force_login(office)
    upload = SimpleUploadedFile("p.xlsx", workbook({**GOOD, "stage": "dreaming"}).getvalue())
    response = client.post("/cooperacion/importar/", {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "Unknown stage “dreaming”" in response.content.decode()
    assert Project.objects.count() == 0
    upload = SimpleUploadedFile("p.xlsx", workbook(GOOD).getvalue())
    response = client.post("/cooperacion/importar/", {"file": upload})
    assert response.status_code == 302
    assert Project.objects.filter(code="PACMETRO").exists()


def test_import_command_reports_rows(municipalities, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook({**GOOD, "code": "x"}).getvalue())
    with pytest.raises(CommandError):
        call_command("cooperation", "import-xlsx", str(path))
    assert Project.objects.count() == 0


def test_filtered_export_round_trips_through_csv_and_xlsx(client, pimus, municipalities, office):
    services.import_projects(rows=spreadsheets.read_rows(workbook(GOOD)), by=office)
    response = client.get("/api/cooperation/projects.csv?theme=climate")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["code"] for r in rows] == ["PACMETRO"]
    assert rows[0]["themes"] == "climate:60, mobility:40"
    response = client.get("/api/cooperation/projects.xlsx")
    assert response.status_code == 200
    exported = spreadsheets.read_rows(io.BytesIO(response.content))
    assert sorted(r.data.code for r in exported) == ["PACMETRO", "PIMUS"]
    # The exported file imports back unchanged.
    outcome = services.import_projects(rows=exported, by=office)
    assert sorted(outcome.updated) == ["PACMETRO", "PIMUS"]


def test_csv_and_xlsx_defuse_formulas(pimus, municipalities):
    services.save_project(data=project_input(title="=HYPERLINK(1)"), by=None, project=pimus)
    assert "'=HYPERLINK(1)" in spreadsheets.export_csv(Project.objects.all())
    book = load_workbook(io.BytesIO(spreadsheets.export_xlsx(Project.objects.all())))
    assert book["projects"]["B2"].value == "'=HYPERLINK(1)"


def test_a_vertical_tab_in_a_title_no_longer_breaks_the_exports(
    client, pimus, municipalities, office
):
    # Stored before the edge refused control characters, or imported: the exports still open.
    services.save_project(
        data=project_input(title="Movilidad\x0bsustentable", summary="-Resumen"),
        by=None,
        project=pimus,
    )
    client.force_login(office)
    xlsx = client.get("/api/cooperation/projects.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["projects"]
    assert (sheet["B2"].value, sheet["D2"].value) == ("Movilidadsustentable", "'-Resumen")
    # The committed amount stays a plain number.
    assert sheet["Y2"].value == "12952444.43"
    rows = list(csv.DictReader(io.StringIO(client.get("/api/cooperation/projects.csv").text)))
    assert (rows[0]["title"], rows[0]["summary"]) == ("Movilidadsustentable", "'-Resumen")
    # Imported back, the apostrophe comes off again.
    [row] = spreadsheets.read_rows(io.BytesIO(xlsx.content))
    assert (row.data.title, row.data.summary) == ("Movilidadsustentable", "-Resumen")


def _with_part(data: bytes, part: str, change) -> bytes:
    """The workbook with one of its zipped XML parts rewritten."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, change(content) if name == part else content)
    return out.getvalue()


def _without_declaration(xml: bytes) -> bytes:
    return xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml


# Ten entities of ten references each, nine deep: 10**9 "lol"s once expanded.
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    + b"]>"
)
SHEET = "xl/worksheets/sheet1.xml"


@pytest.mark.parametrize(
    ("part", "change", "message"),
    [
        (
            SHEET,
            lambda xml: xml[: len(xml) // 2],
            "The workbook is damaged: one of its parts is not valid XML (line 1, column ",
        ),
        (
            "xl/workbook.xml",
            lambda xml: xml[:50],
            "The workbook is damaged: one of its parts is not valid XML (line 1, column 51).",
        ),
        (
            SHEET,
            lambda xml: BILLION_LAUGHS + _without_declaration(xml).replace(b"<v>", b"<v>&lol9;", 1),
            "The workbook declares XML entities, which are refused for safety.",
        ),
    ],
)
def test_a_damaged_or_hostile_workbook_is_refused_in_words(
    client, municipalities, office, part, change, message
):
    data = _with_part(workbook(GOOD).getvalue(), part, change)
    client.force_login(office)
    response = client.post(
        "/cooperacion/importar/",
        {"file": SimpleUploadedFile("p.xlsx", data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Project.objects.count() == 0
    with translation.override("en"), pytest.raises(spreadsheets.SpreadsheetError) as refused:
        spreadsheets.read_rows(io.BytesIO(data))
    assert message in str(refused.value)
