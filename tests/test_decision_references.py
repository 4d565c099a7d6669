"""Every decision record the code points to exists (docs/decisions/NNNN-title.md).

Code cites records as a path (``docs/decisions/0045-lock-order-and-retry.md``) or by number
(``ADR 0045``, ``decision 0044``); a renamed or never-written record leaves a reader nowhere.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DECISIONS = ROOT / "docs" / "decisions"
BY_PATH = re.compile(r"decisions/([A-Za-z0-9_.-]+\.md)")
BY_NUMBER = re.compile(r"\b(?:ADRs?|[Dd]ecisions?(?: records?)?) (\d{4})\b")
SOURCES = ("*.py", "*.html", "*.js", "*.css", "*.txt")


def references() -> list[tuple[str, str]]:
    found = []
    for pattern in SOURCES:
        for path in (ROOT / "src").rglob(pattern):
            text = path.read_text(encoding="utf-8")
            where = str(path.relative_to(ROOT))
            found += [(where, name) for name in BY_PATH.findall(text)]
            found += [(where, number) for number in BY_NUMBER.findall(text)]
    return found


def exists(reference: str) -> bool:
    if reference.endswith(".md"):
        return (DECISIONS / reference).is_file()
    return any(DECISIONS.glob(f"{reference}-*.md"))


def test_the_patterns_find_both_kinds_of_reference():
    text = "see docs/decisions/0045-lock-order-and-retry.md, ADR 0030 and decision 0044"
    assert BY_PATH.findall(text) == ["0045-lock-order-and-retry.md"]
    assert BY_NUMBER.findall(text) == ["0030", "0044"]
    assert not exists("draft-benefits-summary-cube.md") and not exists("0999")


def test_every_cited_decision_record_exists():
    found = references()
    assert len(found) > 20
    missing = sorted({(where, reference) for where, reference in found if not exists(reference)})
    assert missing == [], f"cited but not in docs/decisions: {missing}"
