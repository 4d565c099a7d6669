"""What the service worker (/sw.js) keeps on the device when it installs, derived from the code
instead of a hand list that rots (docs/decisions/0067-precache-derived-from-templates.md).

Every static file a template of the project names with `{% static '…' %}` is kept under the URL
the storage gives it (hashed by ManifestStaticFilesStorage in production), and so is every file
those reach in turn: a module's relative imports, a file of its own folder that a script names
(MapLibre builds its worker's URL from `maplibre-gl-worker.mjs`), the other modules of a module
bundle's folder, and a stylesheet's `url(…)` (fonts, images). Those are asked for by their plain
name, so they are kept under it.
"""

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

PACKAGE = Path(__file__).resolve().parent.parent  # src/metropoli
STATIC_TAG = re.compile(r"""\{%\s*static\s+(['"])([^'"]+)\1\s*%\}""")
# Relative module specifiers: import … from "./x.js", export … from "../y.js", import("./z.js").
IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'`](\.{1,2}/[^"'`]+)["'`]""")
CSS_URL = re.compile(r"""url\(\s*['"]?(?!data:|https?:|/|#)([^'")?#]+)""")
SCRIPT = {".js", ".mjs"}
# Pages every visitor gets without signal; modules add theirs from the script sw.js imports.
PAGES = ("/", "/offline")
# Templates of pages nobody opens without signal: the API's documentation (Swagger UI, 360 KB
# compressed) is for developers at a desk, and was downloaded by every phone's first visit.
NOT_OFFLINE = ("ninja",)


def template_names() -> set[str]:
    """The static files the project's templates name."""
    names = set()
    for template in PACKAGE.glob("*/templates/**/*.html"):
        if template.relative_to(PACKAGE).parts[2] in NOT_OFFLINE:
            continue
        text = template.read_text(encoding="utf-8")
        names |= {match.group(2) for match in STATIC_TAG.finditer(text)}
    return {name for name in names if finders.find(name)}


def _path(name: str) -> Path:
    found = finders.find(name)
    if not isinstance(found, str):
        raise FileNotFoundError(name)
    return Path(found)


def reached(name: str) -> set[str]:
    """The static files that the file `name` makes the browser load, by their names."""
    path = _path(name)
    folder = PurePosixPath(name).parent
    text = path.read_text(encoding="utf-8", errors="replace")
    found: set[str] = set()
    if path.suffix in SCRIPT:
        found |= {_join(folder, spec) for spec in IMPORT.findall(text)}
        for sibling in path.parent.iterdir():
            worker = sibling.name.endswith("sw.js")  # registered by a page, never loaded by it
            # A module bundle loads its chunks (MapLibre: -worker, -shared) from its folder.
            chunk = path.suffix == ".mjs" and sibling.suffix == ".mjs"
            named = chunk or sibling.name in text
            if sibling != path and sibling.suffix in SCRIPT and not worker and named:
                found.add(str(folder / sibling.name))
    elif path.suffix == ".css":
        found |= {_join(folder, ref) for ref in CSS_URL.findall(text)}
    return {item for item in found if finders.find(item)}


def _join(folder: PurePosixPath, relative: str) -> str:
    parts = list(folder.parts)
    for part in relative.split("/"):
        if part == "..":
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def static_files() -> tuple[set[str], set[str]]:
    """(names the templates give, names only reached from other files)."""
    named = template_names()
    seen, todo = set(named), list(named)
    while todo:
        for name in reached(todo.pop()):
            if name not in seen:
                seen.add(name)
                todo.append(name)
    return named, seen - named


def _storage_url(name: str) -> str:
    """The manifest's (hashed) URL; the plain one for a file the manifest lacks (collected
    before it was added), so that the worker is still served."""
    try:
        return staticfiles_storage.url(name)
    except ValueError:
        return settings.STATIC_URL + name


def _compute() -> tuple[list[str], str]:
    named, loaded = static_files()
    urls = {_storage_url(name) for name in named}
    urls |= {settings.STATIC_URL + name for name in loaded}
    digest = hashlib.sha256()
    for name in sorted(named | loaded):
        digest.update(name.encode())
        digest.update(_path(name).read_bytes())
    urls_sorted = [*PAGES, *sorted(urls)]
    digest.update(json.dumps(urls_sorted).encode())
    return urls_sorted, digest.hexdigest()[:12]


_cached = lru_cache(maxsize=1)(_compute)


def precache() -> tuple[list[str], str]:
    """The URLs to keep and a version that changes with them and with their content; worked
    out once per process (on every request while DEBUG, so that edits show)."""
    return _compute() if settings.DEBUG else _cached()
