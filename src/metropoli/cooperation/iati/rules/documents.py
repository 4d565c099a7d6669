"""Documents and legal instruments: titles, links, dates, parties."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlsplit

from metropoli.common.i18n import gettext_noop

from ..model import Activity
from .base import Collector, Rule, RuleCode, Severity, blank
from .organisations import check_org

_E = Severity.ERROR

MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.LEGAL_SIGNED_FUTURE: (
        gettext_noop("La fecha de firma del instrumento (%(date)s) no puede estar en el futuro."),
        _E,
        None,
    ),
    RuleCode.LEGAL_DATE_ORDER: (
        gettext_noop(
            "La vigencia del instrumento (%(end)s) no puede terminar antes de su firma (%(start)s)."
        ),
        _E,
        None,
    ),
    RuleCode.DOCUMENT_URL: (
        gettext_noop(
            "La dirección del documento debe ser un URL http(s) absoluto (es «%(value)s»)."
        ),
        _E,
        None,
    ),
}


def _check_url(c: Collector, url: str, path: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        c.add(RuleCode.DOCUMENT_URL, path, value=url)


def check_documents_and_instruments(c: Collector, activity: Activity) -> None:
    for i, doc in enumerate(activity.documents):
        path = f"documents[{i}]"
        if blank(doc.title):
            c.add(RuleCode.TITLE_EMPTY, f"{path}.title")
        _check_url(c, doc.url, f"{path}.url")
        c.codelist("DocumentCategory", doc.category, f"{path}.category")
        c.codelist("FileFormat", doc.format, f"{path}.format")
        c.codelist("Language", doc.language, f"{path}.language")
    for i, instrument in enumerate(activity.legal_instruments):
        path = f"legal_instruments[{i}]"
        if blank(instrument.title):
            c.add(RuleCode.TITLE_EMPTY, f"{path}.title")
        if instrument.url is not None:
            _check_url(c, instrument.url, f"{path}.url")
        if instrument.signed_on and instrument.signed_on > c.today:
            c.add(
                RuleCode.LEGAL_SIGNED_FUTURE,
                f"{path}.signed_on",
                date=instrument.signed_on.isoformat(),
            )
        if (
            instrument.signed_on
            and instrument.valid_until
            and instrument.valid_until < instrument.signed_on
        ):
            c.add(
                RuleCode.LEGAL_DATE_ORDER,
                f"{path}.valid_until",
                start=instrument.signed_on.isoformat(),
                end=instrument.valid_until.isoformat(),
            )
        for j, party in enumerate(instrument.parties):
            check_org(c, party, f"{path}.parties[{j}]", RuleCode.PARTICIPANT_REF_OR_NAME)
