"""The service worker's precache lists (web/sw.js and the modules' scripts it imports): what is
listed exists, and what a listed file loads is listed too, so a page that opened once opens
again without signal, its map included (MapLibre's worker is a file of its own)."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

WEB = Path(finders.find("web/sw.js")).parent
STRING = re.compile(r'"(/[^"]*)"')
# Relative module specifiers: import … from "./x.js", export … from "../y.js", import("./z.js").
IMPORT = re.compile(r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'`](\.{1,2}/[^"'`]+)["'`]""")


def listed(path: str, name: str = r"\w+") -> list[str]:
    """The URLs in the script's `const NAME = [...]` lists."""
    text = Path(path).read_text(encoding="utf-8")
    blocks = re.findall(rf"const {name} = \[(.*?)\];", text, re.S)
    assert blocks, f"no list {name} in {path}"
    return [url for block in blocks for url in STRING.findall(block)]


def precached() -> set[str]:
    """The shell's lists and those of the modules' scripts it imports."""
    shell = str(WEB / "sw.js")
    urls = set(listed(shell, "SHELL"))
    for script in listed(shell, "MODULE_SCRIPTS"):
        urls |= set(listed(str(static_file(script))))
    return urls


def static_file(url: str) -> Path:
    path = finders.find(url.removeprefix("/static/"))
    assert path, f"{url} is listed but is no static file"
    return Path(path)


def loads(url: str) -> set[str]:
    """The static files a listed script or module loads: its relative imports, and any file of
    its own folder it names (MapLibre builds its worker's URL from the file name), service workers
    aside."""
    path = static_file(url)
    if path.suffix not in {".js", ".mjs"}:
        return set()
    text = path.read_text(encoding="utf-8")
    folder = url.rsplit("/", 1)[0]
    found = {
        "/".join(_resolve(folder.split("/"), spec.split("/"))) for spec in IMPORT.findall(text)
    }
    for sibling in path.parent.iterdir():
        worker = sibling.name.endswith("sw.js")  # registered by a page, never loaded by it
        if (
            sibling != path
            and sibling.suffix in {".js", ".mjs"}
            and not worker
            and sibling.name in text
        ):
            found.add(f"{folder}/{sibling.name}")
    return found


def _resolve(base: list[str], parts: list[str]) -> list[str]:
    out = list(base)
    for part in parts:
        if part == "..":
            out.pop()
        elif part != ".":
            out.append(part)
    return out


@pytest.mark.django_db
def test_every_listed_page_and_file_exists(client):
    for url in sorted(precached()):
        if url.startswith("/static/"):
            static_file(url)
        else:
            assert client.get(url).status_code == 200, url


def test_what_a_listed_script_loads_is_listed_too():
    urls = precached()
    missing = {
        (url, needed)
        for url in urls
        if url.startswith("/static/")
        for needed in loads(url)
        if needed not in urls
    }
    assert missing == set()
    assert "/static/vendor/maplibre-gl/maplibre-gl-worker.mjs" in urls


def test_every_file_of_the_base_template_is_listed():
    base = (WEB.parent.parent / "templates" / "web" / "base.html").read_text(encoding="utf-8")
    assets = {
        f"/static/{name}" for name in re.findall(r"\{% static '([^']+\.(?:js|css))' %\}", base)
    }
    assert assets and assets <= precached()


@pytest.mark.django_db
def test_the_worker_is_served_for_the_whole_site():
    response = Client().get("/sw.js")
    assert response["Service-Worker-Allowed"] == "/"
    assert b"importScripts" in b"".join(response.streaming_content)
