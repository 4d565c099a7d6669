"""The README's configuration table names every METROPOLI_* variable the code reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READS = re.compile(
    r"""(?:environ\.get|environ\[|env_bool|env_list|getenv)\(?\s*["'](METROPOLI_[A-Z0-9_]+)"""
)


def variables_read() -> set[str]:
    names = set()
    for path in (ROOT / "src").rglob("*.py"):
        names.update(READS.findall(path.read_text(encoding="utf-8")))
    return names


def documented(name: str, lines: list[str]) -> bool:
    """`METROPOLI_SMTP_PORT` may be written `METROPOLI_SMTP_HOST`, `_PORT` in one row."""
    if any(f"`{name}`" in line for line in lines):
        return True
    parts = name.split("_")
    for cut in range(2, len(parts)):
        prefix, suffix = "_".join(parts[:cut]), "_".join(parts[cut:])
        if any(f"`{prefix}_" in line and f"`_{suffix}`" in line for line in lines):
            return True
    return False


def test_every_variable_is_in_the_readme():
    lines = [
        line for line in (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `METROPOLI_")
    ]  # fmt: skip
    found = variables_read()
    assert len(found) > 30
    missing = sorted(name for name in found if not documented(name, lines))
    assert missing == [], f"add to the README's configuration table: {missing}"
