"""The outbox on the device (web/static/web/outbox.js) in a real browser against the real
contributions API: order, back-off on server trouble, a lost answer sent again without a second
record, refusals kept for the person to see. The tree capture and the touch table use it
(tests/test_browser_trees.py, tests/test_browser_participation.py)."""

import time

import pytest
from django.test import Client

from metropoli.accounts.tests.factories import UserFactory
from metropoli.participation.models import Contribution
from metropoli.participation.tests.conftest import INSIDE, OUTSIDE, make_proceeding

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

API = "/api/participation/proceedings/prueba/contributions"

SETUP = """async () => {
  const { Outbox, csrfToken } = await import("/static/web/outbox.js");
  const log = [];
  const outbox = new Outbox("browser-test", { headers: () => ({ "X-CSRFToken": csrfToken() }) });
  for (const type of ["sent", "refused", "waiting"]) {
    outbox.addEventListener(type, ({ detail }) => {
      log.push({ type, key: detail.entry.key, status: detail.status ?? detail.entry.status ?? 0 });
    });
  }
  window.testOutbox = { outbox, log };
}"""


@pytest.fixture(autouse=True)
def no_outside_basemap(settings):
    settings.METROPOLI = {**settings.METROPOLI, "BASEMAP_TILES": ""}


@pytest.fixture
def page(live_server, page_factory, guadalajara):
    proceeding = make_proceeding(guadalajara)
    # Signed in, so that the keys are this person's (and no rate limit meets the test).
    client = Client()
    client.force_login(UserFactory(display_name="Rosa"))
    page = page_factory(locale="es-MX")
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page.goto(live_server.url + "/participa/prueba/")
    page.evaluate(SETUP)
    page.category = proceeding.categories.first().pk
    return page


def add(page, key, text, geometry=INSIDE):
    body = {"category": page.category, "text": text, "geometry": geometry, "website": ""}
    return page.evaluate(
        "([key, url, json]) => testOutbox.outbox.add({ key, url, json })", [key, API, body]
    )


def queue(page):
    return page.evaluate("testOutbox.outbox.list()")


def flush(page, now=False):
    page.evaluate("(now) => testOutbox.outbox.flush({ now })", now)


def log(page):
    return page.evaluate("testOutbox.log")


def texts():
    return list(Contribution.objects.order_by("pk").values_list("text", flat=True))


def test_order_backoff_lost_answer_and_refusal(page):
    # Without signal nothing is tried: the requests wait, in the order they were made.
    page.context.set_offline(True)
    for key, text in (("key-aaaaaaaa", "Primera"), ("key-bbbbbbbb", "Segunda")):
        add(page, key, text)
    add(page, "key-aaaaaaaa", "Primera, pulsada dos veces")  # the same key is queued once
    add(page, "key-cccccccc", "Tercera")
    flush(page, now=True)
    assert [(e["key"], e["attempts"]) for e in queue(page)] == [
        ("key-aaaaaaaa", 0),
        ("key-bbbbbbbb", 0),
        ("key-cccccccc", 0),
    ]
    assert queue(page)[0]["json"]["text"] == "Primera"
    page.context.set_offline(False)

    # The server is in trouble (503, come back in 2 minutes): the first request stays, and the
    # later ones do not overtake it.
    tried = []

    def unavailable(route):
        tried.append(route.request.headers["idempotency-key"])
        route.fulfill(status=503, headers={"Retry-After": "120"}, json={"message": "Mantenimiento"})

    page.route(f"**{API}", unavailable)
    flush(page)
    first = queue(page)[0]
    assert tried == ["key-aaaaaaaa"] and texts() == []
    assert first["attempts"] == 1 and first["retryAt"] >= time.time() * 1000 + 110_000
    assert log(page) == [{"type": "waiting", "key": "key-aaaaaaaa", "status": 503}]
    flush(page)  # not due yet: nothing goes out
    assert tried == ["key-aaaaaaaa"]
    page.unroute(f"**{API}", unavailable)

    # Asked to send now, all three go, in order, once each.
    flush(page, now=True)
    assert queue(page) == [] and texts() == ["Primera", "Segunda", "Tercera"]

    # The answer is lost after the server saved the contribution: kept, and its retry with the
    # same key gets the first answer back instead of a second contribution.
    def lose_the_answer(route):
        route.fetch()
        route.abort()

    add(page, "key-dddddddd", "Cuarta")
    page.route(f"**{API}", lose_the_answer)
    flush(page, now=True)
    page.unroute(f"**{API}", lose_the_answer)
    assert [e["key"] for e in queue(page)] == ["key-dddddddd"]
    assert texts() == ["Primera", "Segunda", "Tercera", "Cuarta"]
    flush(page, now=True)
    assert queue(page) == [] and texts() == ["Primera", "Segunda", "Tercera", "Cuarta"]

    # Refused for good (a place outside the proceeding): kept, marked, with the server's words,
    # while the requests after it still go out.
    add(page, "key-eeeeeeee", "Fuera del área", geometry=OUTSIDE)
    add(page, "key-ffffffff", "Quinta")
    flush(page, now=True)
    refused = queue(page)
    assert [(e["key"], e["state"], e["status"]) for e in refused] == [
        ("key-eeeeeeee", "refused", 400)
    ]
    assert refused[0]["message"] and refused[0]["message"] != "400"
    assert texts()[-1] == "Quinta" and "Fuera del área" not in texts()
    flush(page, now=True)  # a refused request is not sent again
    assert [entry["type"] for entry in log(page)].count("refused") == 1
    page.evaluate("testOutbox.outbox.discard('key-eeeeeeee')")
    assert queue(page) == []


def test_the_table_takes_over_what_its_earlier_outbox_left_on_the_device(page, live_server):
    # A contribution queued by the previous version of the table (its own database) ...
    body = {"category": page.category, "text": "Quedó en la cola vieja", "geometry": INSIDE}
    page.evaluate(
        """(body) => new Promise((resolve, reject) => {
          const open = indexedDB.open("participa-table", 1);
          open.onupgradeneeded = () => open.result.createObjectStore("outbox", { keyPath: "key" });
          open.onsuccess = () => {
            const tx = open.result.transaction("outbox", "readwrite");
            tx.objectStore("outbox").put({ key: "old-key-12345678", slug: "prueba",
                                           created: Date.now(), body: { ...body, website: "" } });
            tx.oncomplete = () => { open.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
          };
        })""",
        body,
    )
    # ... is sent, once, by the new one, and the old database goes.
    page.goto(live_server.url + "/participa/mesa/prueba/")
    page.wait_for_selector("#table[data-sent='1']")
    page.wait_for_function(
        """async () => !(await indexedDB.databases()).some((d) => d.name === "participa-table")"""
    )
    assert texts() == ["Quedó en la cola vieja"]
    page.reload()
    page.wait_for_selector("#table[data-ready=true]")
    page.wait_for_function("document.getElementById('sync-status').dataset.waiting === '0'")
    assert texts() == ["Quedó en la cola vieja"]
