"""The shared export cells: files that open, formulas that do not run, numbers that stay numbers."""

import csv
import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from metropoli.common import exports

HOSTILE = [
    '=HYPERLINK("http://x","y")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTAB",
    "\rCR",
    "＝1+1",
    "línea\x0buno",
    "nul\x00 y form feed\x0c",
    "\x0b=oculta",
]


def _xlsx_round_trip(values: list) -> list:
    workbook = Workbook()
    exports.append_row(workbook.active, values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    return [c.value for c in sheet[1]]


def _csv_round_trip(values: list) -> list[str]:
    buffer = io.StringIO()
    exports.csv_writer(buffer).writerow(values)
    return next(csv.reader(io.StringIO(buffer.getvalue())))


def test_hostile_text_is_written_as_inert_text_in_xlsx_and_csv():
    expected = [
        '\'=HYPERLINK("http://x","y")',
        "'+1+cmd|' /C calc'!A0",
        "'-2+3",
        "'@SUM(A1:A2)",
        "'\tTAB",
        "'\rCR",
        "'＝1+1",
        "líneauno",
        "nul y form feed",
        "'=oculta",
    ]
    assert _xlsx_round_trip(HOSTILE) == expected
    assert _csv_round_trip(HOSTILE) == expected


def test_numbers_stay_numbers():
    values = [-5, -2.5, Decimal("-7.25"), "-103.3500000", "-5.00", "+3", "1e-3", 0, "", None]
    assert _xlsx_round_trip(values)[:9] == [
        -5,
        -2.5,
        -7.25,
        "-103.3500000",
        "-5.00",
        "+3",
        "1e-3",
        0,
        None,
    ]
    assert _csv_round_trip(values) == [
        "-5",
        "-2.5",
        "-7.25",
        "-103.3500000",
        "-5.00",
        "+3",
        "1e-3",
        "0",
        "",
        "",
    ]


def test_dict_writer_cleans_values_and_keeps_the_header():
    buffer = io.StringIO()
    writer = exports.csv_dict_writer(buffer, fieldnames=["notes", "lon"])
    writer.writeheader()
    writer.writerow({"notes": "=1+1\x0b", "lon": "-103.35"})
    assert list(csv.DictReader(io.StringIO(buffer.getvalue()))) == [
        {"notes": "'=1+1", "lon": "-103.35"}
    ]


def test_uncell_takes_off_only_our_mark():
    assert exports.uncell("'=1+1") == "=1+1"
    assert exports.uncell("'-poda") == "-poda"
    assert exports.uncell("'hola") == "'hola"
    assert exports.uncell("O'Higgins") == "O'Higgins"


@given(st.text())
def test_any_text_makes_a_workbook_that_opens_and_reads_back(text):
    [written] = _xlsx_round_trip([text])
    # openpyxl reads an empty string back as no value.
    assert (written or "") == exports.cell(text)
    assert not exports.ILLEGAL_XML_CHARACTERS.search(written or "")
    cleaned = exports.ILLEGAL_XML_CHARACTERS.sub("", text)
    if not cleaned.startswith(exports.QUOTE):  # text that begins with our mark is ambiguous
        assert exports.uncell(written or "") == cleaned
