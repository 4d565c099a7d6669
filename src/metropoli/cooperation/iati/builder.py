"""Build an IATI 2.03 ``iati-activities`` document from the platform's dataclasses.

Element order follows the ``xsd:sequence`` of ``iati-activity`` in the official schema;
anything IATI cannot express goes into elements of ``EXT_NS`` placed where the schema has
``xsd:any namespace="##other"`` (the end of ``iati-activity``) or as ``##other`` attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from .mappings import (
    BUDGET_STATUS_TO_IATI,
    BUDGET_TYPE_TO_IATI,
    EXT_NS,
    EXT_PREFIX,
    IATI_VERSION,
    INDICATOR_MEASURE_TO_IATI,
    INSTITUTE_ROLE_LABELS,
    LEGAL_INSTRUMENT_LABELS,
    MODALITY_LABELS,
    MODALITY_TO_DEFAULT_AID_TYPE,
    ORG_ROLE_TO_IATI,
    REPORTING_ORG_VOCABULARY,
    RESULT_TYPE_TO_IATI,
    SCHEME_LABELS,
    SCHEME_TO_COLLABORATION_TYPE,
    STAGE_TO_ACTIVITY_STATUS,
    TAG_VOCABULARY_SDG_GOAL,
    TAG_VOCABULARY_SDG_TARGET,
    TRANSACTION_KIND_TO_IATI,
    VOCAB_URI_INSTITUTE_ROLE,
    VOCAB_URI_MODALITY,
    VOCAB_URI_SCHEME,
)
from .model import (
    Activity,
    Budget,
    Document,
    Indicator,
    Modality,
    Money,
    Municipality,
    Organisation,
    ReportingOrg,
    Result,
    Text,
    Transaction,
)

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"
DEFAULT_LANGUAGE = "es"
# The activity being written's default language (@xml:lang): narratives in it are untagged.
_ACTIVITY_LANGUAGE: ContextVar[str] = ContextVar("activity_language", default=DEFAULT_LANGUAGE)

ActivityDateType = str  # IATI ActivityDateType code
_DATE_TYPES: tuple[tuple[str, ActivityDateType], ...] = (
    ("planned_start", "1"),
    ("actual_start", "2"),
    ("planned_end", "3"),
    ("actual_end", "4"),
)


# Characters XML 1.0 cannot carry at all (C0 controls except tab/LF/CR, surrogates, U+FFFE/F).
# lxml refuses them, so one stray control character pasted into a form would otherwise
# block the whole publication; they carry no meaning, so they are dropped.
_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


def _ext(name: str) -> str:
    return f"{{{EXT_NS}}}{name}"


def _iso(d: date) -> str:
    return d.isoformat()


def _decimal(value: Decimal | int | float | str) -> str:
    # xsd:decimal forbids exponents ("1E+3"), which str(Decimal) can produce.
    text = format(Decimal(str(value)), "f")
    return text


def _sub(parent: etree._Element, tag: str, **attrs: str | None) -> etree._Element:
    element = etree.SubElement(parent, tag)
    for key, value in attrs.items():
        if value is not None:
            element.set(key.rstrip("_").replace("_", "-"), value)
    return element


def _narratives(parent: etree._Element, text: Text) -> None:
    # Texts are Spanish first. In an activity whose default language is Spanish only English is
    # tagged; when the publisher's default language is English, an English text goes first,
    # untagged, and the Spanish one is tagged.
    if _ACTIVITY_LANGUAGE.get() == "en" and text.en:
        etree.SubElement(parent, "narrative").text = _clean(text.en)
        spanish = etree.SubElement(parent, "narrative")
        spanish.set(XML_LANG, "es")
        spanish.text = _clean(text.es)
        return
    first = etree.SubElement(parent, "narrative")
    first.text = _clean(text.es)
    if _ACTIVITY_LANGUAGE.get() != "es":
        first.set(XML_LANG, "es")
    if text.en:
        english = etree.SubElement(parent, "narrative")
        english.set(XML_LANG, "en")
        english.text = _clean(text.en)


def _ext_text(parent: etree._Element, tag: str, text: Text) -> None:
    es = etree.SubElement(parent, _ext(tag))
    es.set(XML_LANG, "es")
    es.text = _clean(text.es)
    if text.en:
        en = etree.SubElement(parent, _ext(tag))
        en.set(XML_LANG, "en")
        en.text = _clean(text.en)


def _text_element(parent: etree._Element, tag: str, text: Text, **attrs: str | None) -> None:
    _narratives(_sub(parent, tag, **attrs), text)


def _org_element(parent: etree._Element, tag: str, org: Organisation, **attrs: str | None) -> None:
    element = _sub(parent, tag, ref=org.ref, type=org.type, **attrs)
    _narratives(element, org.name)


def _value(parent: etree._Element, tag: str, money: Money, default_currency: str) -> None:
    currency = money.currency if money.currency and money.currency != default_currency else None
    element = _sub(
        parent,
        tag,
        currency=currency,
        value_date=_iso(money.value_date) if money.value_date else None,
    )
    element.text = _decimal(money.value)


def _activity_scope(activity: Activity) -> str | None:
    if len(activity.recipient_countries) > 1:
        return "3"  # multi-national
    if not activity.municipalities:
        return None
    states = {m.inegi_code[:2] for m in activity.municipalities}
    if len(activity.municipalities) == 1:
        return "7"  # single second-level administrative area (one municipality)
    if len(states) == 1:
        return "6"  # several municipalities of one state (e.g. the AMG, all in Jalisco)
    return "5"


def _location(parent: etree._Element, municipality: Municipality) -> None:
    element = _sub(parent, "location", ref=f"INEGI-{municipality.inegi_code}")
    # The INEGI code has no IATI GeographicVocabulary, so it travels as our own attribute.
    element.set(_ext("inegi-code"), municipality.inegi_code)
    _sub(element, "location-reach", code="2")  # intended beneficiaries live there
    _text_element(element, "name", Text(municipality.name))
    if municipality.point is not None:
        point = _sub(element, "point", srsName=WGS84)
        latitude, longitude = municipality.point.latitude, municipality.point.longitude
        etree.SubElement(point, "pos").text = f"{_decimal(latitude)} {_decimal(longitude)}"
        _sub(element, "exactness", code="2")  # a seat/centroid, not the whole municipality
    _sub(element, "location-class", code="1")  # administrative region
    _sub(element, "feature-designation", code="ADM2")  # municipio = 2nd-order division


def _tag(
    parent: etree._Element,
    vocabulary: str,
    code: str,
    text: Text | None = None,
    uri: str | None = None,
) -> None:
    element = _sub(parent, "tag", vocabulary=vocabulary, vocabulary_uri=uri, code=code)
    if text is not None:
        _narratives(element, text)


def _sdg_goals(activity: Activity) -> list[str]:
    # A target implies its goal; publishing the goal too lets goal-level filters find it.
    goals = list(dict.fromkeys(activity.sdg_goals))
    for target in activity.sdg_targets:
        goal = target.split(".", 1)[0]
        if goal not in goals:
            goals.append(goal)
    return goals


def _budget(parent: etree._Element, budget: Budget, default_currency: str) -> None:
    element = _sub(
        parent,
        "budget",
        type=BUDGET_TYPE_TO_IATI[budget.type],
        status=BUDGET_STATUS_TO_IATI[budget.status],
    )
    _sub(element, "period-start", iso_date=_iso(budget.period_start))
    _sub(element, "period-end", iso_date=_iso(budget.period_end))
    _value(element, "value", budget.amount, default_currency)


def _transaction(parent: etree._Element, tx: Transaction, default_currency: str) -> None:
    element = _sub(parent, "transaction", ref=tx.ref)
    _sub(element, "transaction-type", code=TRANSACTION_KIND_TO_IATI[tx.kind])
    _sub(element, "transaction-date", iso_date=_iso(tx.date))
    _value(element, "value", tx.amount, default_currency)
    if tx.description is not None:
        _text_element(element, "description", tx.description)
    if tx.provider is not None:
        _org_element(element, "provider-org", tx.provider)
    if tx.receiver is not None:
        _org_element(element, "receiver-org", tx.receiver)


def _document(parent: etree._Element, doc: Document) -> None:
    element = _sub(parent, "document-link", format=doc.format, url=doc.url)
    _text_element(element, "title", doc.title)
    if doc.description is not None:
        _text_element(element, "description", doc.description)
    _sub(element, "category", code=doc.category)
    _sub(element, "language", code=doc.language)
    if doc.document_date is not None:
        _sub(element, "document-date", iso_date=_iso(doc.document_date))


def _indicator(parent: etree._Element, indicator: Indicator) -> None:
    element = _sub(parent, "indicator", measure=INDICATOR_MEASURE_TO_IATI[indicator.measure])
    if indicator.ascending is not None:
        element.set("ascending", "1" if indicator.ascending else "0")
    _text_element(element, "title", indicator.title)
    if indicator.description is not None:
        _text_element(element, "description", indicator.description)
    if indicator.baseline is not None:
        b = indicator.baseline
        baseline = _sub(
            element,
            "baseline",
            year=str(b.year),
            iso_date=_iso(b.iso_date) if b.iso_date else None,
            value=b.value,
        )
        if b.comment is not None:
            _text_element(baseline, "comment", b.comment)
    for period in indicator.periods:
        p = _sub(element, "period")
        _sub(p, "period-start", iso_date=_iso(period.start))
        _sub(p, "period-end", iso_date=_iso(period.end))
        if period.target is not None:
            _sub(p, "target", value=period.target)
        if period.actual is not None:
            _sub(p, "actual", value=period.actual)


def _result(parent: etree._Element, result: Result) -> None:
    element = _sub(parent, "result", type=RESULT_TYPE_TO_IATI[result.type])
    _text_element(element, "title", result.title)
    if result.description is not None:
        _text_element(element, "description", result.description)
    for indicator in result.indicators:
        _indicator(element, indicator)


def _extension(parent: etree._Element, activity: Activity) -> None:
    """The ``metropoli:cooperation`` block: what IATI 2.03 has no element for."""
    ext = etree.SubElement(parent, _ext("cooperation"))
    _sub(ext, _ext("stage"), code=activity.stage.value)
    _sub(ext, _ext("scheme"), code=activity.scheme.value)
    for modality in activity.modalities:
        _sub(ext, _ext("modality"), code=modality.value)
    _sub(ext, _ext("institute-role"), code=activity.institute_role.value)
    for instrument in activity.legal_instruments:
        element = _sub(
            ext,
            _ext("legal-instrument"),
            kind=instrument.kind.value,
            reference=instrument.reference,
            url=instrument.url,
        )
        if instrument.signed_on is not None:
            element.set("signed-on", _iso(instrument.signed_on))
        if instrument.valid_until is not None:
            element.set("valid-until", _iso(instrument.valid_until))
        _ext_text(element, "title", instrument.title)
        for party in instrument.parties:
            party_el = _sub(element, _ext("party"), ref=party.ref, type=party.type)
            _ext_text(party_el, "name", party.name)
    for milestone in activity.milestones:
        element = _sub(
            ext,
            _ext("milestone"),
            date=_iso(milestone.date),
            achieved="true" if milestone.achieved else "false",
        )
        _ext_text(element, "title", milestone.title)


def _activity(
    parent: etree._Element,
    reporting_org: ReportingOrg,
    activity: Activity,
    generated_at: datetime,
) -> None:
    last_updated = activity.last_updated or generated_at
    element = _sub(
        parent,
        "iati-activity",
        last_updated_datetime=last_updated.isoformat(timespec="seconds"),
        default_currency=activity.default_currency,
    )
    element.set(XML_LANG, activity.default_language)
    if Modality.HUMANITARIAN in activity.modalities:
        element.set("humanitarian", "1")

    etree.SubElement(element, "iati-identifier").text = activity.identifier
    _org_element(
        element,
        "reporting-org",
        Organisation(name=reporting_org.name, ref=reporting_org.ref, type=reporting_org.type),
    )
    _text_element(element, "title", activity.title)
    _text_element(element, "description", activity.description, type="1")
    if activity.objectives is not None:
        _text_element(element, "description", activity.objectives, type="2")

    for participant in activity.participants:
        org_el = _sub(
            element,
            "participating-org",
            ref=participant.org.ref,
            type=participant.org.type,
            role=ORG_ROLE_TO_IATI[participant.role],
            activity_id=participant.activity_id,
        )
        # Keeps "receiver" distinguishable from "accountable" (both IATI role 2).
        org_el.set(_ext("role"), participant.role.value)
        _narratives(org_el, participant.org.name)

    _sub(element, "activity-status", code=STAGE_TO_ACTIVITY_STATUS[activity.stage])
    for attr, code in _DATE_TYPES:
        value: date | None = getattr(activity.dates, attr)
        if value is not None:
            _sub(element, "activity-date", type=code, iso_date=_iso(value))

    scope = _activity_scope(activity)
    if scope is not None:
        _sub(element, "activity-scope", code=scope)
    for country in activity.recipient_countries:
        _sub(
            element,
            "recipient-country",
            code=country.code,
            percentage=_decimal(country.percentage) if country.percentage is not None else None,
        )
    for municipality in activity.municipalities:
        _location(element, municipality)
    for sector in activity.sectors:
        sector_el = _sub(
            element,
            "sector",
            vocabulary=sector.vocabulary,
            vocabulary_uri=sector.vocabulary_uri,
            code=sector.code,
            percentage=_decimal(sector.percentage) if sector.percentage is not None else None,
        )
        if sector.name is not None:
            _narratives(sector_el, sector.name)

    for goal in _sdg_goals(activity):
        _tag(element, TAG_VOCABULARY_SDG_GOAL, goal)
    for target in dict.fromkeys(activity.sdg_targets):
        _tag(element, TAG_VOCABULARY_SDG_TARGET, target)
    _tag(
        element,
        REPORTING_ORG_VOCABULARY,
        activity.scheme.value,
        SCHEME_LABELS[activity.scheme],
        VOCAB_URI_SCHEME,
    )
    for modality in activity.modalities:
        _tag(
            element,
            REPORTING_ORG_VOCABULARY,
            modality.value,
            MODALITY_LABELS[modality],
            VOCAB_URI_MODALITY,
        )
    _tag(
        element,
        REPORTING_ORG_VOCABULARY,
        activity.institute_role.value,
        INSTITUTE_ROLE_LABELS[activity.institute_role],
        VOCAB_URI_INSTITUTE_ROLE,
    )

    collaboration = SCHEME_TO_COLLABORATION_TYPE.get(activity.scheme)
    if collaboration is not None:
        _sub(element, "collaboration-type", code=collaboration)
    aid_types = dict.fromkeys(
        MODALITY_TO_DEFAULT_AID_TYPE[m]
        for m in activity.modalities
        if m in MODALITY_TO_DEFAULT_AID_TYPE
    )
    for aid_type in aid_types:
        _sub(element, "default-aid-type", code=aid_type, vocabulary="1")

    for budget in activity.budgets:
        _budget(element, budget, activity.default_currency)
    for tx in activity.transactions:
        _transaction(element, tx, activity.default_currency)
    for doc in _documents(activity):
        _document(element, doc)
    for result in activity.results:
        _result(element, result)
    _extension(element, activity)


def _documents(activity: Activity) -> Iterable[Document]:
    yield from activity.documents
    # A signed instrument with a public URL is also a document IATI consumers understand:
    # A09 (memorandum of understanding) or A11 (contract) for convenios and letters.
    for instrument in activity.legal_instruments:
        if instrument.url is None:
            continue
        label = LEGAL_INSTRUMENT_LABELS[instrument.kind]
        yield Document(
            url=instrument.url,
            title=Text(
                f"{label.es}: {instrument.title.es}",
                f"{label.en}: {instrument.title.en}" if instrument.title.en else None,
            ),
            category="A09" if instrument.kind.value == "mou" else "A11",
            format="application/pdf",
            document_date=instrument.signed_on,
        )


def build_activities_xml(
    reporting_org: ReportingOrg,
    activities: Sequence[Activity],
    generated_at: datetime,
) -> bytes:
    """Serialise ``activities`` as one IATI 2.03 ``iati-activities`` document (UTF-8 bytes).

    The builder does not judge the data: run ``check_rules`` (and ``validate_against_schema``)
    before publishing. It only refuses what cannot be serialised at all.
    """
    if not activities:
        raise ValueError("Un documento IATI requiere al menos una actividad.")
    root = etree.Element("iati-activities", nsmap={EXT_PREFIX: EXT_NS})
    root.set("version", IATI_VERSION)
    root.set("generated-datetime", generated_at.isoformat(timespec="seconds"))
    for activity in activities:
        token = _ACTIVITY_LANGUAGE.set(activity.default_language)
        try:
            _activity(root, reporting_org, activity, generated_at)
        finally:
            _ACTIVITY_LANGUAGE.reset(token)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
