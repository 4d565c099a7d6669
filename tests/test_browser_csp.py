"""The Content-Security-Policy in a real browser: the map pages (MapLibre with its workers, the
basemap tiles, our own vector tiles, the colours of the air-quality bands) run without a single
violation."""

import base64

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 60_000
# A 1×1 PNG stands in for the basemap's tiles (tests have no network); the browser asks for them
# only when the policy lets it.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
COLLECT = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_map_pages_run_without_a_policy_violation(live_server, page_factory, municipalities):
    page = page_factory(locale="es-MX")
    page.set_default_timeout(WAIT_MS)
    page.add_init_script(COLLECT)
    console = []
    page.on("console", lambda message: console.append(message.text))
    tiles = []

    def basemap(route):
        tiles.append(route.request.url)
        route.fulfill(status=200, content_type="image/png", body=PNG)

    page.route("https://tile.openstreetmap.org/**", basemap)
    for path in ("/arbol/", "/arbol/sensores/"):
        response = page.goto(live_server.url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_function("document.querySelector('[data-map]').metropoliMap !== undefined")
        page.wait_for_selector(".maplibregl-canvas")
        assert page.evaluate("window.__cspViolations") == [], path
    assert tiles, "the basemap tiles were asked for"
    assert [text for text in console if "Content Security Policy" in text] == []
