"""Sectors (thematic areas): vocabularies, codes and percentages per vocabulary."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from metropoli.common.i18n import gettext_noop

from ..mappings import SECTOR_VOCABULARY_DAC5
from ..model import SectorShare
from .base import Collector, Rule, RuleCode, Severity, blank, check_percentages

_E, _W = Severity.ERROR, Severity.WARNING

MESSAGES: Mapping[RuleCode, Rule] = {
    RuleCode.SECTOR_MISSING: (
        gettext_noop("La actividad debe declarar al menos un sector (área temática)."),
        _E,
        "6.2.2",
    ),
    RuleCode.SECTOR_PERCENTAGE_MISSING: (
        gettext_noop(
            "Con varios sectores en el vocabulario %(vocabulary)s, cada uno debe tener porcentaje."
        ),
        _E,
        "2.1.1",
    ),
    RuleCode.SECTOR_PERCENTAGE_SUM: (
        gettext_noop(
            "Los porcentajes de los sectores del vocabulario %(vocabulary)s suman %(total)s; "
            "deben sumar 100."
        ),
        _E,
        "2.1.2",
    ),
    RuleCode.SECTOR_SINGLE_NOT_100: (
        gettext_noop(
            "Con un solo sector en el vocabulario %(vocabulary)s, el porcentaje debe omitirse "
            "o ser 100 (es %(value)s)."
        ),
        _E,
        "2.1.4",
    ),
    RuleCode.SECTOR_PERCENTAGE_RANGE: (
        gettext_noop("El porcentaje del sector %(code)s (%(value)s) debe estar entre 0 y 100."),
        _E,
        "12.3.1",
    ),
    RuleCode.SECTOR_NARRATIVE_MISSING: (
        gettext_noop("El sector propio %(code)s (vocabulario %(vocabulary)s) necesita un nombre."),
        _E,
        "2.2.1",
    ),
    RuleCode.SECTOR_DAC_MISSING: (
        gettext_noop(
            "Además de los sectores propios, declare al menos un sector del CAD de la OCDE "
            "(vocabulario 1)."
        ),
        _W,
        "102.1.1",
    ),
}

SECTOR_VOCABULARY_CODELIST: Mapping[str, str] = {
    "1": "Sector",
    "2": "SectorCategory",
    "7": "UNSDG-Goals",
    "8": "UNSDG-Targets",
}


def check_sectors(c: Collector, sectors: Sequence[SectorShare]) -> None:
    if not sectors:
        c.add(RuleCode.SECTOR_MISSING, "sectors")
        return
    by_vocabulary: dict[str, list[tuple[int, SectorShare]]] = defaultdict(list)
    for i, sector in enumerate(sectors):
        by_vocabulary[sector.vocabulary].append((i, sector))
        c.codelist("SectorVocabulary", sector.vocabulary, f"sectors[{i}].vocabulary")
        codelist = SECTOR_VOCABULARY_CODELIST.get(sector.vocabulary)
        if codelist is not None:
            c.codelist(codelist, sector.code, f"sectors[{i}].code")
        if sector.vocabulary in ("98", "99") and blank(sector.name):
            c.add(
                RuleCode.SECTOR_NARRATIVE_MISSING,
                f"sectors[{i}].name",
                code=sector.code,
                vocabulary=sector.vocabulary,
            )
    for vocabulary, group in by_vocabulary.items():
        check_percentages(
            c,
            [(s.code, s.percentage) for _, s in group],
            f"sectors[vocabulary={vocabulary}].percentage",
            (
                RuleCode.SECTOR_PERCENTAGE_RANGE,
                RuleCode.SECTOR_PERCENTAGE_MISSING,
                RuleCode.SECTOR_PERCENTAGE_SUM,
                RuleCode.SECTOR_SINGLE_NOT_100,
            ),
            vocabulary=vocabulary,
        )
    if SECTOR_VOCABULARY_DAC5 not in by_vocabulary:
        c.add(RuleCode.SECTOR_DAC_MISSING, "sectors")
