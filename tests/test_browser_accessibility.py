"""Every page of every module passes axe-core (WCAG 2.2 A/AA), as each demo role, in Spanish and
English, on a phone and on a desktop.

The pages are not listed by hand: each role starts from every page of the URLconf that takes no
parameter and follows the links it is shown, so pages added to any module are walked as soon as
a link leads to them. Each page a role reaches is checked in the browser (phone, then desktop)
unless the same page already showed the same content to an earlier role; each role's first page
in each language checks its own header and menu; at the end every page is checked in the
language its first check did not use. One browser; one context per role and language, reused.
"""

import itertools
import os
import re
import time
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from playwright.sync_api import Error as PlaywrightError

from metropoli.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Loaded from our own origin: the Content-Security-Policy allows no injected inline script.
AXE = "/static/vendor/axe-core/axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = ["es-MX", "en"]
# Generous waits: the suite shares two cores with everything else; nothing here measures time.
WAIT_MS = 60_000

# The demo's people (*/demo.py): one per role a person can have in Metrópoli.
ROLES = {
    "anonymous": None,
    "citizen": "ciudadana@demo.metropoli.mx",
    "expert": "experta.zap@demo.metropoli.mx",
    "municipal staff": "personal.gdl@demo.metropoli.mx",
    "market vendor": "locataria.libertad@demo.metropoli.mx",
    "courier": "repartidor@demo.metropoli.mx",
    "cooperation office": "cooperacion@demo.metropoli.mx",
    "admin": "admin@demo.metropoli.mx",
}
# Pages of the API that people read.
PAGE_ROUTES = {"api/docs"}
# Pages drawn by a script after they load: checked once this is on the page.
DRAWN_LATER = {"api/docs": ".swagger-ui .opblock"}
# Routes that are not pages: files, data, service workers, actions, and Django's own admin
# (Django's markup, not ours; it is checked by Django's own accessibility work).
NOT_PAGES = (".csv", ".xlsx", ".svg", ".json", ".pbf", ".js", ".webmanifest", "download.")
NOT_PAGE_ROUTES = {"healthz", "metrics", "cuentas/salir", "i18n/setlang/", "ogc/api"}


def routes(patterns=None, prefix=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def is_page_route(route: str) -> bool:
    return route in PAGE_ROUTES or not (
        route.startswith(("admin/", "api/"))
        or route in NOT_PAGE_ROUTES
        or any(marker in route for marker in NOT_PAGES)
    )


def route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def violations(page) -> list[str]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(url=AXE)
    return page.evaluate(
        """async (tags) => {
          const r = await axe.run(document, { runOnly: { type: "tag", values: tags },
                                              resultTypes: ["violations"] });
          return r.violations.map((v) => `${v.id} (${v.impact}): ` +
            v.nodes.slice(0, 4).map((n) => n.target.join(" ")).join(" | "));
        }""",
        TAGS,
    )


def maps_drawn(page) -> None:
    """Wait until every map on the page is drawn (or known unavailable): MapLibre is fetched
    after the page loads, and its controls and attribution are part of what is checked."""
    deadline = time.monotonic() + WAIT_MS / 1000
    while not page.evaluate(
        "() => [...document.querySelectorAll('[data-map]')]"
        "  .every((m) => m.matches('.map-ready, .map-unavailable'))"
    ):
        assert time.monotonic() < deadline, f"a map on {page.url} never drew"
        page.wait_for_timeout(100)


LINK = re.compile(r"<a\b(?![^>]*\bdownload\b)[^>]*\bhref=\"([^\"]*)\"")
MAIN = re.compile(r"<main\b.*</main>", re.S)
# What changes on every answer without changing the page: tokens and nonces.
VOLATILE = re.compile(r'(value|nonce|content)="[^"]*"|[A-Za-z0-9_-]{32,}')


def links(html: str, base: str, origin: str) -> list[str]:
    paths = []
    for href in LINK.findall(html):
        parts = urlsplit(urljoin(base, unescape(href)))
        if f"{parts.scheme}://{parts.netloc}" == origin:
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def content_of(html: str) -> str:
    """What a page shows in its main part, the same for every person who is shown the same."""
    main = MAIN.search(html)
    return VOLATILE.sub("", main.group(0) if main else html)


@pytest.fixture(autouse=True)
def unreachable_basemap(settings):
    # A basemap, so the maps carry its attribution as they do in production; no network in
    # tests, so it points at a closed local port (refused at once, the maps still load).
    settings.METROPOLI = {
        **settings.METROPOLI,
        "BASEMAP_TILES": "http://127.0.0.1:9/{z}/{x}/{y}.png",
    }


def test_every_page_as_every_role_has_no_accessibility_violation(live_server, browser):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    origin = live_server.url
    started = time.monotonic()
    seeds = [f"/{route}" for route in routes() if is_page_route(route) and "<" not in route]
    contexts = {}

    def page_for(role: str, language: str):
        if (role, language) not in contexts:
            context = browser.new_context(locale=language, viewport=SCREENS["phone"])
            email = ROLES[role]
            if email:
                client = Client()
                client.force_login(User.objects.get(email=email))
                cookie = client.cookies["sessionid"].value
                context.add_cookies([{"name": "sessionid", "value": cookie, "url": origin}])
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            contexts[role, language] = page
        return contexts[role, language]

    found: dict[str, list[str]] = {}
    seen: dict[str, set] = {}  # route → the languages it was checked in (both screens each)
    reached: dict[str, tuple[str, str]] = {}  # route → a role and path that reach it
    checked: set = set()  # (route, what the page shows): a page shown alike is checked once
    walked = []

    def check(role, path, language):
        """The page in the browser, on a phone and then on a desktop."""
        page = page_for(role, language)
        page.set_viewport_size(SCREENS["phone"])
        try:
            response = page.goto(origin + path, wait_until="load")
        except PlaywrightError:  # not a page: a download
            return
        route = route_of(urlsplit(page.url).path)
        if route in DRAWN_LATER:
            page.wait_for_selector(DRAWN_LATER[route])
        maps_drawn(page)
        for screen in SCREENS:
            if screen != "phone":
                page.set_viewport_size(SCREENS[screen])
                page.wait_for_timeout(250)  # the page's own resize handlers settle
            walked.append(f"{role:<18} {language:<5} {screen:<7} {response.status} {path}")
            problems = violations(page)
            if problems:
                found[f"{role} · {language} · {screen} · {path}"] = problems
        print(walked[-1], f"{time.monotonic() - started:.0f} s", flush=True)
        seen.setdefault(route, set()).add(language)
        reached.setdefault(route, (role, path))

    languages = itertools.cycle(LANGUAGES)
    for role in ROLES:
        queue, done, headers = list(seeds), set(), set()
        while queue:
            path = queue.pop(0)
            route = route_of(urlsplit(path).path)
            if route is None or route in done or not is_page_route(route):
                continue
            done.add(route)
            language = next(languages)
            page = page_for(role, language)
            response = page.context.request.get(
                origin + path, headers={"Accept-Language": language}, fail_on_status_code=False
            )
            if response.status == 405 or "text/html" not in response.headers.get(
                "content-type", ""
            ):
                continue  # files, data, and the actions of forms (405: they take POST only)
            html = response.text()
            landed = route_of(urlsplit(response.url).path)
            done.add(landed)
            queue += [link for link in links(html, response.url, origin) if link not in queue]
            shown = (landed, content_of(html))
            # A role's first page in each language also checks its own header and menu.
            if language not in headers or shown not in checked:
                checked.add(shown)
                headers.add(language)
                check(role, path, language)
    # Every page in the language its first check did not use.
    for route, (role, path) in reached.items():
        for language in LANGUAGES:
            if language not in seen[route]:
                check(role, path, language)

    for context_page in contexts.values():
        context_page.context.close()
    unreached = sorted(route for route in routes() if is_page_route(route) and route not in seen)
    print(f"\n{len(walked)} page views of {len(seen)} pages:", *walked, sep="\n  ")
    print("Routes no role reached by a link:", *unreached, sep="\n  ")
    assert len(seen) > 40
    assert found == {}, "\n".join(f"{at}:\n    " + "\n    ".join(v) for at, v in found.items())
