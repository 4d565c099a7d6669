"""Fill empty msgstr entries of every es_MX catalogue from a translations file (a dict T).

Usage: .venv/bin/python scripts/fill_po.py TRANSLATIONS.py  (needs `pip install polib`)
A helper for translators; the catalogues themselves are the source of truth.
"""

import runpy
import sys
from pathlib import Path

import polib

table = runpy.run_path(sys.argv[1])["T"]
missing = set()
for po_path in Path("src/metropoli").glob("*/locale/es_MX/LC_MESSAGES/django.po"):
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.msgid in table:
            entry.msgstr = table[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        elif not entry.msgstr:
            missing.add(entry.msgid)
    po.metadata["Language"] = "es_MX"
    po.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    po.metadata["Language-Team"] = "Metrópoli <es_MX>"
    po.metadata["Last-Translator"] = "Metrópoli developers"
    po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.save()
for msgid in sorted(missing):
    print("untranslated:", repr(msgid))
