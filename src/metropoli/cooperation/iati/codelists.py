"""Loader for the IATI codelists (``codelists/*.xml`` of the official distribution).

The codelists are read at run time from a directory given by the caller; nothing is
copied into the repository so updates to the official lists need no code change.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from lxml import etree

# Number of numbered targets and of lettered (means of implementation) targets per SDG, as
# adopted by UN General Assembly resolution 70/1. Used only when the codelist directory lacks
# UNSDG-Targets.xml; a test checks this table against the official codelist.
_SDG_TARGET_SHAPE: Mapping[int, tuple[int, int]] = {
    1: (5, 2),
    2: (5, 3),
    3: (9, 4),
    4: (7, 3),
    5: (6, 3),
    6: (6, 2),
    7: (3, 2),
    8: (10, 2),
    9: (5, 3),
    10: (7, 3),
    11: (7, 3),
    12: (8, 3),
    13: (3, 2),
    14: (7, 3),
    15: (9, 3),
    16: (10, 2),
    17: (19, 0),
}


def fallback_sdg_goals() -> frozenset[str]:
    return frozenset(str(goal) for goal in _SDG_TARGET_SHAPE)


def fallback_sdg_targets() -> frozenset[str]:
    targets: set[str] = set()
    for goal, (numbered, lettered) in _SDG_TARGET_SHAPE.items():
        targets.update(f"{goal}.{n}" for n in range(1, numbered + 1))
        targets.update(f"{goal}.{chr(ord('a') + i)}" for i in range(lettered))
    return frozenset(targets)


@dataclass(frozen=True, slots=True)
class Codelist:
    name: str
    codes: frozenset[str]
    withdrawn: frozenset[str] = frozenset()
    # IATI marks open-ended lists (Country, Language...) complete="0": a code outside them
    # is suspicious but may be legitimate, so rules report it as a warning only.
    complete: bool = True

    def __contains__(self, code: object) -> bool:
        return code in self.codes


class CodelistMissingError(LookupError):
    """A rule needs a codelist that the directory did not provide."""


@dataclass(frozen=True, slots=True)
class Codelists:
    lists: Mapping[str, Codelist]

    def __getitem__(self, name: str) -> Codelist:
        try:
            return self.lists[name]
        except KeyError:
            raise CodelistMissingError(
                f"Falta la lista de códigos IATI {name!r} en el directorio de listas."
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.lists

    def require(self, names: Iterable[str]) -> None:
        missing = sorted(n for n in names if n not in self.lists)
        if missing:
            raise CodelistMissingError("Faltan listas de códigos IATI: " + ", ".join(missing) + ".")


def _safe_parser() -> etree.XMLParser:
    # The files are official data, but a directory path can be configured, so refuse network
    # access and entity expansion (XXE / billion laughs) like for any other input.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_codelist(path: Path) -> Codelist:
    root = etree.parse(str(path), _safe_parser()).getroot()
    name = root.get("name") or path.stem
    codes: set[str] = set()
    withdrawn: set[str] = set()
    for item in root.iter("codelist-item"):
        code = (item.findtext("code") or "").strip()
        if not code:
            continue
        codes.add(code)
        if item.get("status") == "withdrawn":
            withdrawn.add(code)
    return Codelist(
        name=name,
        codes=frozenset(codes),
        withdrawn=frozenset(withdrawn),
        complete=root.get("complete", "1") != "0",
    )


_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load_cached(directory: str) -> Codelists:
    lists: dict[str, Codelist] = {}
    for path in sorted(Path(directory).glob("*.xml")):
        if path.name == "mapping.xml":  # the path→codelist mapping, not a codelist
            continue
        codelist = parse_codelist(path)
        lists[codelist.name] = codelist
    # SDG lists are optional in some distributions; rules still need them.
    lists.setdefault("UNSDG-Goals", Codelist("UNSDG-Goals", fallback_sdg_goals()))
    lists.setdefault("UNSDG-Targets", Codelist("UNSDG-Targets", fallback_sdg_targets()))
    return Codelists(lists=lists)


def load_codelists(directory: str | Path) -> Codelists:
    """Load every ``*.xml`` codelist of ``directory`` (cached per resolved path)."""
    resolved = Path(directory).resolve()
    if not resolved.is_dir():
        raise FileNotFoundError(f"No existe el directorio de listas de códigos: {resolved}")
    with _lock:  # lru_cache is thread-safe but could parse the same directory twice
        return _load_cached(str(resolved))
