"""Validation of a generated document against the official IATI 2.03 XML Schema."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

ACTIVITIES_XSD = "iati-activities-schema.xsd"


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One libxml2 finding. ``message`` is libxml2's own (English) text, kept verbatim
    because it names the exact element/attribute; ``line`` points into the document."""

    line: int
    column: int
    message: str
    path: str | None = None
    type_name: str = ""


def _parser() -> etree.XMLParser:
    # No network, no entity expansion: the schema directory and the document are data.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


@lru_cache(maxsize=4)
def _compiled_schema(xsd_path: str) -> etree.XMLSchema:
    # Parsing from the file path gives the tree a base URL, so xsd:include/xsd:import
    # (iati-common.xsd, xml.xsd) resolve next to it without touching the network.
    schema_doc = etree.parse(xsd_path, _parser())
    return etree.XMLSchema(schema_doc)


# An XMLSchema object keeps the error log of its last run, so concurrent validations with the
# same compiled schema would mix their errors; serialise them.
_lock = threading.Lock()


def _schema_for(iati_dir: str | Path) -> etree.XMLSchema:
    xsd = (Path(iati_dir) / ACTIVITIES_XSD).resolve()
    if not xsd.is_file():
        raise FileNotFoundError(f"No se encontró el esquema IATI: {xsd}")
    return _compiled_schema(str(xsd))


def validate_against_schema(xml_bytes: bytes, iati_dir: str | Path) -> list[SchemaError]:
    """Return every XSD violation of ``xml_bytes`` (empty list = valid IATI 2.03 activities)."""
    try:
        document = etree.fromstring(xml_bytes, _parser())
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        return [SchemaError(line=line, column=column, message=str(exc), type_name="SYNTAX")]
    with _lock:
        schema = _schema_for(iati_dir)
        if schema.validate(document):
            return []
        return [
            SchemaError(
                line=entry.line,
                column=entry.column,
                message=entry.message,
                path=entry.path,
                type_name=entry.type_name,
            )
            for entry in schema.error_log
        ]
