"""Cells for spreadsheet exports (CSV and XLSX): what people typed, made safe to open.

Every export that writes cells goes through `cell` (or the writers below), so that:

* characters XML 1.0 cannot hold (C0 controls but tab, LF and CR; U+FFFE, U+FFFF, lone
  surrogates) are removed: one vertical tab in a comment made openpyxl refuse the whole file;
* text a spreadsheet program would run as a formula (starting with = + - @, a tab or a CR, or
  their full-width forms) is prefixed with an apostrophe, the usual "this is text" mark, which
  `uncell` takes off again when an export is imported back.

Numbers stay numbers: int, float and Decimal cells are never touched, and neither is text that
is a plain number ("-103.3500000", "-5.00"), which spreadsheets read as that number and nothing
else. Plain Python, no Django: the pure sub-packages may use it too.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
ILLEGAL_XML_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
QUOTE = "'"


def cell(value: Any) -> Any:
    """The value as an export should write it (see the module's docstring)."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_XML_CHARACTERS.sub("", value)
    if text.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(text):
        return QUOTE + text
    return text


def row(values: Iterable[Any]) -> list[Any]:
    return [cell(value) for value in values]


def uncell(text: str) -> str:
    """Undo `cell`'s apostrophe on text read back from one of our exports."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


class _SafeWriter:
    """A csv writer whose every row goes through `row`."""

    def __init__(self, writer):
        self._writer = writer

    def writerow(self, values: Iterable[Any]):
        return self._writer.writerow(row(values))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for values in rows:
            self.writerow(values)


def csv_writer(stream, **kwargs) -> _SafeWriter:
    """`csv.writer` for exports: same arguments, safe cells."""
    return _SafeWriter(csv.writer(stream, **kwargs))


def csv_dict_writer(stream, fieldnames, **kwargs) -> csv.DictWriter:
    """`csv.DictWriter` for exports: same arguments, safe cells."""
    writer = csv.DictWriter(stream, fieldnames, **kwargs)
    # DictWriter calls only writerow/writerows of its writer, which _SafeWriter has.
    writer.writer = _SafeWriter(writer.writer)  # type: ignore[assignment]
    return writer


def append_row(sheet, values: Iterable[Any]) -> None:
    """`sheet.append` of openpyxl with safe cells."""
    sheet.append(row(values))
