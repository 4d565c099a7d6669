"""Every GET address under hostile query strings, paths and headers: never a server error, a
refusal in Spanish, a body of the type it says it is, no traceback or SQL in it, and nothing
written to the database.

The addresses come from Django's URL resolver (pages, the JSON API, the OGC API, tiles, exports,
the sensors' archive, the IATI publication, the market pages), their path parameters filled from
the demo (real()) and, in turn, with hostile values (PATH_HOSTILE). The query parameters each
address reads come from the API's OpenAPI document, the OGC collections' queryables, a list per
page from reading its view (PAGE_PARAMS), and the links and GET forms on the page itself. With
the demo loaded once, each address is asked, anonymously and as two demo people (ROLES):

- once per parameter with each hostile value of its kind (values_for: every hostile date of a
  date, every box of a bbox, a draw of numbers and of texts), and as a whole query: every
  parameter repeated, every one empty, every one hostile at once, unknown parameters, non-UTF-8
  and overlong escapes, NUL, 10,000 characters (only the whole query where the person is turned
  away before the view reads anything);
- with hostile headers (Accept-Language junk, If-None-Match and Range garbage, Accept of JSON,
  CSV or anything, a long cookie, X-Forwarded-For junk), drawn;
- with each path parameter replaced by a hostile value, drawn.

A draw is seeded per address and person, so a failure shows again on the next run; the run takes
about 50 seconds. METROPOLI_HOSTILE_SCALE=6 (or more) widens every draw and
METROPOLI_HOSTILE_SEED draws others, for a longer search by hand.
"""

import functools
import json
import os
import random
import re
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLResolver
from hostile import (
    demo,
    is_english,
    spanish_page_problems,
    tables_written_since,
    written_rows,
)

from metropoli.accounts.models import User

__all__ = ["demo"]  # the module's fixture, from hostile.py

SEED = os.environ.get("METROPOLI_HOSTILE_SEED", "20261211")
# Demo people who ask besides an anonymous visitor: a citizen and the platform's administrator
# (who may open every staff page).
ROLES = [None, "ciudadana", "admin"]
# How many drawn values each parameter gets, per person; headers and path values per address.
# METROPOLI_HOSTILE_SCALE=10 (or more) multiplies them, for a long search by hand.
SCALE = int(os.environ.get("METROPOLI_HOSTILE_SCALE", "1"))
VALUES_PER_PARAM = {None: 3 * SCALE, "ciudadana": 1 * SCALE, "admin": 2 * SCALE}
HEADERS_PER_ADDRESS = {None: 3 * SCALE, "ciudadana": 1 * SCALE, "admin": 2 * SCALE}
PATH_VALUES = 2 * SCALE
# Who is sent every hostile date of a date parameter and every box of a bbox (the others a draw):
# the visitor, who sees the public pages, and the administrator, who sees the staff's.
EVERY_DATE = {None, "admin"}

LONG = "x" * 10_000
# Query values by kind, percent-encoded as a client would send them (raw escapes stay as they
# are). A parameter gets every value of its kind's DATES or BOXES, a draw of NUMBERS, and a draw
# of TEXTS (which every parameter may be sent).
NUMBERS = [*map(quote, ["NaN", "inf", "-inf", "-1", "0", "1e309", str(2**63), str(10**9)])]
NUMBERS += [*map(quote, ["9" * 5000, "", " ", "²", "١٢٣", "①", "1.5", "0x1A", "1,5"])]
DATES = [*map(quote, ["0000-00-00", "9999-12-31", "2021-02-30", "0001-01-01", "2021-02-29"])]
DATES += [*map(quote, ["9999-12", "0000-00", "0001-01", "2026-13", "1-1-1", "20261301"])]
DATES += [*map(quote, ["2026-13-45T25:61", "9999-12-31T23:59:59-12:00"])]
DATES += [*map(quote, ["0001-01-01T00:00:00+14:00", "../..", "2020-01-01/..", "../9999-12-31"])]
BOXES = [*map(quote, ["1,2,3", "1,2,3,4,5", "-190,-10,190,10", "179,10,-179,11", ",,,"])]
BOXES += [*map(quote, ["10,10,-10,-10", "nan,nan,nan,nan", "1e309,0,0,0", "-181,-91,181,91"])]
TEXTS = [*map(quote, [LONG, "ñandú", "../../etc/passwd", "' OR 1=1 --", "<script>x</script>"])]
TEXTS += [*map(quote, ["😀" * 50, "true", "[]", "{}", "*", "-"])]
TEXTS += [
    "%ff",  # not UTF-8
    "%C0%AF",  # an overlong "/"
    "%ED%A0%80",  # a UTF-16 surrogate in CESU-8
    "%00",  # NUL
    "a%00b",
    "%",  # a broken escape
]
HOSTILE = NUMBERS + DATES + BOXES + TEXTS
# The kind of a query parameter, by its name.
DATE_NAMES = {"since", "until", "desde", "hasta", "datetime", "month", "day", "date"}
NUMBER_NAMES = {"page", "page_size", "limit", "offset", "v", "partner", "puesto", "stall", "year"}
NUMBER_NAMES |= {"recorded_by", "dbh_min", "dbh_max", "lat", "lon", "radius_m", "hex_size_m"}
NUMBER_NAMES |= {"category", "sdg", "after", "before", "courier", "upcoming"}


def values_for(name: str, draw: random.Random, count: int, every: bool) -> list[str]:
    """The hostile values one parameter is sent: a draw of its kind's (all of its dates or boxes
    when `every`), and a draw of everything else."""
    own = {"date": DATES, "bbox": BOXES, "number": NUMBERS, "text": []}[kind_of(name)]
    if not every or own is NUMBERS:
        own = draw.sample(own, min(count, len(own)))
    others = HOSTILE if not own else TEXTS
    return [*own, *draw.sample(others, min(count, len(others)))]


def kind_of(name: str) -> str:
    if name in DATE_NAMES:
        return "date"
    if name == "bbox":
        return "bbox"
    return "number" if name in NUMBER_NAMES else "text"


# Path parameters in place of the real ones.
PATH_HOSTILE = [
    "99999999999999999999",
    "9223372036854775808",
    "0",
    "-1",
    quote("ñandú"),
    quote("²"),
    "..",
    "%2e%2e",
    "%00",
    "%ff",
    "x" * 300,
]
HOSTILE_HEADERS = [
    {"Accept-Language": "xx-YY;q=abc, *;q=1e309, ;;;,"},
    {"Accept-Language": "x" * 5000},
    {"Accept-Language": "en;q=NaN"},
    {"If-None-Match": '"garbage", W/"", *, \x7f'},
    {"If-Modified-Since": "ayer"},
    {"Range": "bytes=-1--5, 99999999999999999999-"},
    {"Accept": "*/*"},
    {"Accept": "application/json"},
    {"Accept": "text/csv"},
    {"Accept": "application/json;q=abc, text/html;level=\u00ff"},
    {"Cookie": "a=" + "b" * 8000 + "; sessionid=" + "z" * 200 + "; csrftoken=%ff"},
    {"X-Forwarded-For": "999.1.1.1, ::g, <script>, " + "1," * 500},
    {"X-Forwarded-Proto": "gopher"},
    {"Referer": "http://[::1"},
    {"User-Agent": "\u00e9" * 3000},
]

# Query parameters a page reads that no link of its may show, by view (module.function); the
# JSON API's come from its OpenAPI document, the OGC API's from its collections.
TREE_FILTERS = ["bbox", "municipality", "species", "condition", "dbh_min", "dbh_max"]
TREE_FILTERS += ["validation_state", "recorded_by", "since", "until"]
PORTFOLIO = ["stage", "theme", "partner", "municipality", "sdg", "year", "q"]
QUEUE = ["municipality", "flag", "status", "rating", "mine"]
PAGE_PARAMS = {
    "metropoli.trees.views.map_page": [*TREE_FILTERS, "page"],
    "metropoli.trees.staff_views.site_list": ["page"],
    "metropoli.benefits.views.summary": [*TREE_FILTERS, "units"],
    "metropoli.benefits.views.tree_card": ["units"],
    "metropoli.cooperation.views.portfolio": PORTFOLIO,
    "metropoli.cooperation.views.dashboard": PORTFOLIO,
    "metropoli.cooperation.views.timeline": PORTFOLIO,
    "metropoli.cooperation.views.opportunity_calendar": ["month"],
    "metropoli.markets.shop_views.search": ["q"],
    "metropoli.markets.views.market_detail": ["q", "puesto"],
    "metropoli.sensors.archive_views.archive_index": ["desde", "hasta", "sensor"],
    "metropoli.sensors.views.detail": ["period"],
    "metropoli.sensors.views.readings_csv": ["period", "quantity"],
    "metropoli.validation.views.work_queue": QUEUE,
    "metropoli.validation.views.work_queue_csv": QUEUE,
    "metropoli.validation.views.dashboard": ["municipality"],
    "metropoli.learning.views.certifications": ["municipality"],
    "metropoli.maps.views.tile": [*TREE_FILTERS, "flag", "status", "v"],
    "metropoli.ogc.views.tile_json": [*TREE_FILTERS, "flag", "status"],
}
# Addresses left out: Django's admin (its own pages, checked by test_admin_spanish.py), the
# Prometheus scrape for the host, and signing out (it would end the session the others need).
LEFT_OUT = re.compile(r"^(admin/|metrics$|cuentas/salir$|i18n/)")

# A server's own words: a traceback, SQL, the driver's or Django's database errors.
LEAKS = re.compile(
    r"Traceback \(most recent call last\)|\bpsycopg|django\.db\.|ProgrammingError|DataError"
    r"|syntax error at or near|\bSELECT\b[^<>]{1,200}\bFROM\b|\bINSERT INTO\b|File \"/"
)
# What a JSON path always answers in.
JSON_PREFIXES = ("/api/", "/ogc/", "/tiles/")


def routes() -> list[tuple[str, object]]:
    def walk(resolver, prefix=""):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry, prefix + str(entry.pattern))
            else:
                yield prefix + str(entry.pattern), entry.callback

    found = {}
    for route, view in walk(get_resolver()):
        if not LEFT_OUT.search(route):
            found.setdefault(route, view)  # the API lists a path once per method
    return sorted(found.items())


# Addresses asked once more per value of a path parameter that changes what they read (each OGC
# collection has its own queryables and key, each tile layer its own filters), anonymously: the
# open data reads no session. Values in braces come from the demo (ids()).
COLLECTION = "ogc/collections/<str:collection_id>"
FEATURES = {
    "planting-sites": "{site}",
    "sensors": "{sensor}",
    "markets": "{market}",
    "contributions": "{contribution}",
    "municipalities": "14039",
}
VARIANTS = {
    COLLECTION: [{"collection_id": c} for c in FEATURES],
    f"{COLLECTION}/items": [{"collection_id": c} for c in FEATURES],
    f"{COLLECTION}/download.<str:fmt>": [
        {"collection_id": "trees", "fmt": "shp"},
        *({"collection_id": c} for c in FEATURES),
    ],
    f"{COLLECTION}/items/<str:feature_id>": [
        {"collection_id": c, "feature_id": key} for c, key in FEATURES.items()
    ],
    "tiles/<slug:layer>/<int:z>/<int:x>/<int:y>.pbf": [
        {"layer": layer} for layer in ("sensors", "flagged_trees", "municipalities")
    ],
    "tiles/<slug:layer>.json": [{"layer": layer} for layer in ("sensors", "municipalities")],
    "api/participation/proceedings/<slug>/export.<fmt>": [{"fmt": "xlsx"}, {"fmt": "geojson"}],
}


def cases() -> list[tuple[str, object, dict[str, str], str | None]]:
    """(route, view, path values it is asked with, person) of every test."""
    found = []
    for route, view in routes():
        found += [(route, view, {}, person) for person in ROLES]
        found += [(route, view, fixed, None) for fixed in VARIANTS.get(route, [])]
    return found


def case_id(case) -> str:
    route, _view, fixed, person = case
    values = ",".join(f"{k}={v}" for k, v in fixed.items())
    return f"{route}{f'[{values}]' if values else ''}-{person or 'anonymous'}"


CASES = cases()
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def real(route: str, name: str, ids: dict) -> str:
    """A value of a path parameter that names a demo object (or a plain one where none does)."""
    by_route = [
        (r"^arbol/aprende/examen/", "slug", ids["quiz"]),
        (r"^arbol/aprende/", "slug", ids["lesson"]),
        (r"^(participa|api/participation)/", "slug", ids["proceeding"]),
        (r"^participa/.*aportaciones", "pk", ids["contribution"]),
        (r"^participa/plantillas/", "pk", ids["template"]),
        (r"^api/participation/", "pk", ids["contribution"]),
        (r"^cooperacion/convocatorias/", "pk", ids["opportunity"]),
        (r"^(cooperacion|api/cooperation)/", "code", ids["project"]),
        (r"^arbol/treender/", "tree_id", ids["tree"]),
        (r"download\.", "fmt", "gpkg"),
        (r"export\.", "fmt", "csv"),
        (r"^ogc/.*items/", "feature_id", ids["tree"]),
    ]
    for pattern, param, value in by_route:
        if param == name and re.search(pattern, route):
            return str(value)
    by_name = {
        "slug": ids["market"],
        "code": "14039",
        "tree_id": ids["tree"],
        "site_id": ids["site"],
        "sensor_id": ids["sensor"],
        "item_id": ids["work_item"],
        "stall_id": ids["stall"],
        "product_id": ids["product"],
        "collection_id": "trees",
        "layer": "trees",
        "z": 12,
        "x": 881,
        "y": 1843,
        "day": ids["today"],
        "key": ids["order_key"],
        "access_key": ids["order_key"],
        "public_id": ids["order"],
    }
    return str(by_name.get(name, 1))


def fill(route: str, ids: dict, given: dict[str, str] | None = None) -> str:
    """The route's path with its parameters filled: those `given`, the others real()."""
    given = given or {}

    def value(match: re.Match) -> str:
        name = match.group(2)
        return given[name].format(**ids) if name in given else real(route, name, ids)

    return "/" + PARAM.sub(value, route)


@functools.cache
def openapi_params() -> dict[str, list[str]]:
    """Query parameters of each GET operation of the JSON API, by route (`<x>` for `{x}`)."""
    from metropoli.config.api import api

    schema = api.get_openapi_schema()
    found = {}
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        names = [p["name"] for p in get.get("parameters", []) if p["in"] == "query"]
        found[re.sub(r"\{(\w+)\}", r"<\1>", path.lstrip("/"))] = names
    return found


def ogc_params(route: str, collection_id: str) -> list[str]:
    from metropoli.ogc.params import COMMON
    from metropoli.ogc.registry import COLLECTIONS

    if not re.search(r"^ogc/collections/<str:collection_id>/(items|download\.)", route):
        return ["f"] if route.startswith("ogc") else []
    collection = COLLECTIONS[collection_id]
    return [*COMMON, "datetime", *(q.name for q in collection.queryables)]


def params_of(route: str, view, page, fixed: dict[str, str]) -> list[str]:
    name = f"{view.__module__}.{getattr(view, '__name__', '')}"
    names = list(PAGE_PARAMS.get(name, []))
    names += openapi_params().get(re.sub(r"<\w+:", "<", route), [])
    names += ogc_params(route, fixed.get("collection_id", "trees"))
    names += linked_params(page)
    return sorted(set(names))


def linked_params(page) -> list[str]:
    """Names in the query strings of the page's links to itself and in its GET forms."""
    if page is None or "text/html" not in page.get("Content-Type", ""):
        return []
    from lxml import html as lxml_html

    path = page.request["PATH_INFO"]
    tree = lxml_html.fromstring(page.content)
    names = []
    for href in tree.xpath("//a/@href"):
        target, _, query = href.partition("?")
        if query and target in ("", path):
            names += [part.partition("=")[0] for part in query.split("&") if part]
    for form in tree.forms:
        if (form.method or "GET").upper() == "GET":
            names += [element.name for element in form.inputs if element.name]
    return [name for name in names if name not in ("csrfmiddlewaretoken", "next")]


def queries(
    names: list[str], draw: random.Random, count: int, every: bool
) -> list[tuple[str, str]]:
    """(label, query string) of each hostile question to one address: `count` drawn values
    per parameter (and every date or box of a date or bbox), then the whole query at once."""
    asked = []
    for name in names:
        for value in values_for(name, draw, count, every) if count else []:
            asked.append((f"{name}={value[:24]}", f"{quote(name)}={value}"))
    if names:
        both = "&".join(f"{quote(n)}={draw.choice(HOSTILE)}&{quote(n)}=1" for n in names)
        asked.append(("repeated", both))
        asked.append(("empty", "&".join(f"{quote(n)}=" for n in names)))
        asked.append(("all hostile", "&".join(f"{quote(n)}={draw.choice(HOSTILE)}" for n in names)))
    asked.append(("unknown", f"zzz={draw.choice(HOSTILE)}&{quote(LONG)}=1&%ff=%ff&=&&a"))
    return asked


def sniffed(body: bytes) -> str:
    """What a body looks like from its first bytes: "json", "html", "xml" or "" (other)."""
    head = body[:200].lstrip().lower()
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if head.startswith(b"<?xml"):
        return "xml"
    return ""


# Declared types each look of a body may come with.
LOOKS = {
    "json": ("application/json", "application/geo+json", "application/schema+json"),
    "html": ("text/html",),
    "xml": ("application/xml", "text/xml"),
}


def problems_of(response, where: str, path: str) -> list[str]:
    status = response.status_code
    if status >= 500:
        return [f"{where}: {status}"]
    content_type = response.get("Content-Type", "")
    media_type = content_type.split(";")[0].strip()
    streaming = getattr(response, "streaming", False)
    body = b"".join(response.streaming_content) if streaming else response.content
    text = body.decode("utf-8", "replace")
    found = []
    leak = LEAKS.search(text)
    if leak:
        found.append(f"{where}: {status} shows «{leak[0]}»")
    if status in (204, 304) or 300 <= status < 400:
        return found
    look = sniffed(body)
    if look and not media_type.startswith(LOOKS[look]) and not media_type.endswith("+" + look):
        found.append(f"{where}: {status} looks like {look} but says {content_type!r}")
    answer = None
    if media_type == "application/json" or media_type.endswith("+json"):
        try:
            answer = json.loads(body)
        except ValueError:
            return [*found, f"{where}: {status} {content_type} is not JSON"]
    if status < 400:
        return found
    if answer is None and media_type != "text/html":
        return [*found, f"{where}: {status} refused as {content_type or 'nothing'}"]
    if path.startswith(JSON_PREFIXES) and answer is None:
        return [*found, f"{where}: {status} a page where JSON is due"]
    if answer is not None:
        message = answer.get("message") if isinstance(answer, dict) else None
        if not isinstance(answer, dict) or not answer.get("code") or not message:
            found.append(f"{where}: {status} JSON without code and message: {text[:120]}")
        elif is_english(message):
            found.append(f"{where}: {status} English message «{message[:120]}»")
        return found
    return found + spanish_page_problems(where, status, text)


def ask(client: Client, path: str, query: str = "", **headers) -> object:
    """One GET in a savepoint of its own (a database error cannot spoil the next ones)."""
    try:
        with transaction.atomic():
            return client.get(f"{path}?{query}" if query else path, headers=headers)
    except Exception as error:  # noqa: BLE001 - reported as the 500 a visitor would get
        return error


@pytest.fixture(scope="module")
def ids(demo, django_db_blocker):
    """The demo's objects, and an order of the citizen's (the demo has none) for the order
    pages."""
    from django.utils import timezone

    from metropoli.markets.models import Market
    from metropoli.markets.services import checkout
    from metropoli.markets.services.fetch import CartLine

    with django_db_blocker.unblock():
        market = Market.objects.get(slug=demo["market"])
        order = checkout.place_order(
            market=market,
            lines=[CartLine(demo["product"], 1)],
            destination=checkout.Destination(method="pickup", pickup_slot=market.pickup_slots[0]),
            contact=checkout.Contact("Ana López", "33 1234 5678", "ana@example.mx"),
            shopper=User.objects.get(email="ciudadana@demo.metropoli.mx"),
        ).order
    today = timezone.now().date().isoformat()
    return {**demo, "today": today, "order": order.public_id, "order_key": order.access_key}


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "view", "fixed", "person"), CASES, ids=map(case_id, CASES))
def test_get_survives_hostile_queries_paths_and_headers(ids, route, view, fixed, person):
    client = Client(headers={"Accept-Language": "es-MX"})
    if person:
        client.force_login(User.objects.get(email=f"{person}@demo.metropoli.mx"))
    draw = random.Random(f"{SEED}:{case_id((route, view, fixed, person))}")
    path = fill(route, ids, fixed)
    before = written_rows()
    problems: list[str] = []

    def check(response, where: str, asked: str) -> None:
        if isinstance(response, Exception):
            problems.append(f"{where}: 500 {type(response).__name__}: {str(response)[:160]}")
        else:
            problems.extend(problems_of(response, where, asked))

    plain = ask(client, path)
    check(plain, f"GET {path}", path)
    if isinstance(plain, Exception) or plain.status_code == 405:
        assert problems == [], "\n".join(problems)
        return  # a form's action or a write: the POST test's business
    page = plain if plain.status_code == 200 else None
    names = params_of(route, view, page, fixed)
    # Refused before the view reads its parameters (sign in first, not allowed): the whole
    # query at once only; the people who may open it get the parameter-by-parameter draw.
    turned_away = plain.status_code in (301, 302, 401, 403)
    count = 0 if turned_away else VALUES_PER_PARAM[person]
    for label, query in queries(names, draw, count, every=person in EVERY_DATE):
        check(ask(client, path, query), f"GET {path} [{label}]", path)
    headers_count = min(1 if turned_away else HEADERS_PER_ADDRESS[person], len(HOSTILE_HEADERS))
    for headers in draw.sample(HOSTILE_HEADERS, headers_count):
        label = ", ".join(f"{k}: {v[:20]}" for k, v in headers.items())
        check(ask(client, path, **headers), f"GET {path} [{label}]", path)
    for name in PARAM.findall(route):
        for value in draw.sample(PATH_HOSTILE, min(PATH_VALUES, len(PATH_HOSTILE))):
            hostile = fill(route, ids, {**fixed, name[1]: value})
            check(ask(client, hostile), f"GET {hostile[:120]}", hostile)
    written = set(tables_written_since(before))
    if written:
        problems.append(f"GET {path}: wrote to {sorted(written)}")
    assert problems == [], "\n".join(problems[:40])
