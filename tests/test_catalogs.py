"""One translation per message, whichever app says it.

Each app has its own catalog (src/metropoli/<app>/locale/<language>/LC_MESSAGES/django.po), but
Django merges them into one at run time: when two catalogs translate the same msgid (with the same
msgctxt) differently, the first app in INSTALLED_APPS wins and the other app shows its words. The
same meaning gets one wording in every catalog; a different meaning gets its own msgctxt
(pgettext, `{% translate "…" context "…" %}`), decision 0116.

`python tests/test_catalogs.py` lists the collisions without running pytest.
"""

from collections import defaultdict
from pathlib import Path

import polib
import pytest

SOURCE = Path(__file__).resolve().parent.parent / "src" / "metropoli"

# (language, msgctxt, msgid) → translation → the catalogs that give it
Collisions = dict[tuple[str, str, str], dict[str | tuple[str, ...], list[str]]]


def catalogs() -> list[Path]:
    return sorted(SOURCE.glob("*/locale/*/LC_MESSAGES/django.po"))


def collisions() -> Collisions:
    """Every message two catalogs of one language translate differently. Untranslated, fuzzy and
    obsolete entries are left out: msgfmt does not compile them, so they never reach Django."""
    seen: Collisions = defaultdict(lambda: defaultdict(list))
    for path in catalogs():
        app, language = path.parts[-5], path.parts[-3]
        for entry in polib.pofile(str(path)):
            if not entry.msgid or entry.obsolete or "fuzzy" in entry.flags:
                continue
            if entry.msgid_plural:
                forms = entry.msgstr_plural
                translation: str | tuple[str, ...] = tuple(forms[n] for n in sorted(forms))
            else:
                translation = entry.msgstr
            if not any(translation):
                continue
            seen[(language, entry.msgctxt or "", entry.msgid)][translation].append(app)
    return {key: dict(given) for key, given in seen.items() if len(given) > 1}


def describe(found: Collisions) -> list[str]:
    lines = []
    for (language, context, msgid), given in sorted(found.items()):
        where = f"{language} msgctxt {context!r} " if context else f"{language} "
        lines.append(f"{where}msgid {msgid!r}:")
        lines += [f"    {text!r}: {', '.join(apps)}" for text, apps in given.items()]
    return lines


def test_the_catalogs_exist():
    # A moved locale directory must not turn the next test into one that cannot fail.
    apps = {path.parts[-5] for path in catalogs() if path.parts[-3] == "es_MX"}
    assert {"common", "trees", "markets", "participation", "cooperation"} <= apps


def test_every_message_has_one_translation_in_every_catalog():
    found = collisions()
    if found:
        pytest.fail(
            "\n".join(
                ["Messages two catalogs translate differently (one wins at run time):"]
                + describe(found)
            ),
            pytrace=False,
        )


if __name__ == "__main__":
    found = collisions()
    print("\n".join(describe(found)))
    print(f"{len(found)} collisions")
