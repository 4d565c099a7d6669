"""The HTML forms under hostile input: never a server error, always an answer in Spanish, nothing
stored when the input is refused.

The JSON API is fuzzed by Schemathesis (scripts/fuzz.py, tests/test_fuzz.py); this covers the
pages' own forms. With the demo loaded once for the module, each demo person opens the pages
where their forms are (PAGES), and every form with method="post" found on them is submitted:

- once per field with a hostile value in it (a seeded, bounded draw from HOSTILE, chosen by the
  field's kind: numbers for number inputs, dates for date inputs, everything for text), the rest
  of the form as the page filled it in;
- as a whole: empty, every field repeated, every field missing in turn, JSON instead of form
  data, invalid UTF-8 and CESU-8 surrogates in a urlencoded body, a text/plain body, a truncated
  multipart body, and 100,000 characters in every text field at once.

Each answer must be below 500; a refusal (4xx, or the form shown again with its errors) must be
a Spanish page without Django's English messages, and must not have written a row (PostgreSQL's
own per-transaction counters, pg_stat_xact_user_tables, tell which tables were written).
"""

import json
import random
import re
from urllib.parse import quote, urlencode, urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from hostile import (
    demo,
    spanish_page_problems,
    tables_written_since,
    written_rows,
)
from lxml import html as lxml_html

from metropoli.accounts.models import User
from metropoli.accounts.tests.factories import UserFactory

__all__ = ["demo"]  # the module's fixture, from hostile.py

SEED = 20261206
VALUES_PER_FIELD = 2
# Fields of one form that get their own hostile values, drawn (the market selection matrix has
# about a hundred); the whole-form submissions still carry every field.
FIELDS_PER_FORM = 8
LONG = "x" * 100_000

NUMBERS = ["1e309", "-1e309", "-1", "99999999999999999999", "NaN", "inf", "9" * 40, "0x1A", "1,5"]
NUMBERS += ["2147483648", "9223372036854775808", "-9223372036854775809", "١٢٣"]
DATES = ["0000-00-00", "99999-12-31", "2026-02-30", "0001-01-01", "9999-12-31", "ayer"]
DATES += ["2026-13-01T25:61", "1e309"]
IDS = ["0", "-1", "99999999999999999999", "9223372036854775808", "abc", "1.5", "[]"]
TEXTS = [LONG, "ñ" * 5000, "<script>alert(1)</script>", "' OR 1=1 --", "\u202e\ufeff", "😀" * 300]
HOSTILE = {
    "number": NUMBERS + IDS,
    "date": DATES,
    "text": NUMBERS + DATES + IDS + TEXTS + ["", " "],
}

# (person, page) pairs: each form with method="post" on the page is fuzzed. Paths in braces are
# filled from the demo's data (ids()).
PAGES = [
    (None, "/cuentas/registro"),
    (None, "/cuentas/entrar"),
    (None, "/cuentas/contrasena"),
    ("ciudadana", "/cuentas/perfil"),
    ("ciudadana", "/participa/mis-aportaciones/"),
    ("ciudadana", "/participa/{proceeding}/aportaciones/{contribution}/"),
    ("ciudadana", "/arbol/sensores/registrar/"),
    ("ciudadana", "/mercado/{market}/"),
    ("ciudadana", "/mercado/{market}/carrito/"),
    ("ciudadana", "/mercado/{market}/pagar/"),
    ("personal.gdl", "/mercado/seleccion"),
    ("personal.gdl", "/cuentas/roles"),
    ("ciudadana", "/arbol/aprende/examen/{quiz}/"),
    ("ciudadana", "/arbol/aprende/{lesson}/"),
    ("personal.gdl", "/arbol/aprende/contenido/nueva/"),
    ("personal.gdl", "/arbol/aprende/contenido/{lesson}/"),
    ("personal.gdl", "/arbol/aprende/contenido/{lesson}/examen/"),
    ("personal.gdl", "/arbol/aprende/contenido/{lesson}/examen/pregunta/{question}/"),
    ("experta.zap", "/arbol/treender/"),
    ("admin", "/arbol/arboles/{tree}/editar"),
    ("admin", "/arbol/arboles/{tree}/eliminar"),
    ("admin", "/arbol/sitios/nuevo"),
    ("arbolista.gdl", "/arbol/especies/nueva"),
    ("personal.gdl", "/arbol/especies/{species}/editar"),
    ("admin", "/arbol/importar/"),
    ("admin", "/arbol/beneficios/ajustes/14039/"),
    ("admin", "/arbol/sensores/{sensor}/configuracion/"),
    ("arbolista.gdl", "/arbol/treender/cola/{work_item}/"),
    ("admin", "/participa/gestion/nueva/"),
    ("admin", "/participa/{proceeding}/configurar/"),
    ("admin", "/participa/{proceeding}/moderacion/"),
    ("admin", "/participa/plantillas/{template}/"),
    ("cooperacion", "/cooperacion/nuevo/"),
    ("cooperacion", "/cooperacion/proyecto/{project}/editar/"),
    ("cooperacion", "/cooperacion/proyecto/{project}/montos/nuevo/"),
    ("cooperacion", "/cooperacion/proyecto/{project}/socios/nuevo/"),
    ("cooperacion", "/cooperacion/proyecto/{project}/hitos/nuevo/"),
    ("cooperacion", "/cooperacion/proyecto/{project}/instrumentos/nuevo/"),
    ("cooperacion", "/cooperacion/proyecto/{project}/resultados/nuevo/"),
    ("cooperacion", "/cooperacion/proyecto/{project}/documentos/nuevo/"),
    ("cooperacion", "/cooperacion/convocatorias/nueva/"),
    ("cooperacion", "/cooperacion/convocatorias/{opportunity}/"),
    ("cooperacion", "/cooperacion/redes-y-premios/redes/nueva/"),
    ("cooperacion", "/cooperacion/oficina/"),
    ("cooperacion", "/cooperacion/redes-y-premios/premios/{award}/"),
    ("cooperacion", "/cooperacion/importar/"),
    ("admin", "/cooperacion/publicacion/"),
    ("admin", "/mercado/nuevo/"),
    ("admin", "/mercado/{market}/configurar/"),
    ("admin", "/mercado/{market}/configurar/puesto/{stall}/"),
    ("admin", "/mercado/{market}/configurar/puesto/{stall}/producto/{product}/"),
    ("administracion.libertad", "/mercado/{market}/administracion/"),
    ("locataria.libertad", "/mercado/puesto/{stall}/"),
    ("repartidor", "/mercado/repartidor/"),
    ("admin", "/territorio/municipios/"),
    ("admin", "/territorio/municipios/agregar/"),
    ("admin", "/territorio/municipios/14039/"),
    ("admin", "/cuentas/roles/plataforma"),
    ("admin", "/cuentas/reabrir"),
]
# Forms left alone: signing out would end the session the next forms need.
SKIPPED_ACTIONS = re.compile(r"/cuentas/salir|/i18n/")


def post_forms(page) -> list[tuple[str, dict[str, str], dict[str, str]]]:
    """(action, values as the page filled them in, kind of each field) of each POST form."""
    found = []
    for form in lxml_html.fromstring(page.content).forms:
        if (form.method or "GET").upper() != "POST":
            continue
        action = urlsplit(urljoin(page.request["PATH_INFO"], form.get("action") or "")).path
        if SKIPPED_ACTIONS.search(action):
            continue
        values: dict[str, str] = {}
        kinds: dict[str, str] = {}
        for element in form.inputs:
            name = element.get("name")
            kind = (element.get("type") or "text").lower() if element.tag == "input" else "text"
            if not name or name == "csrfmiddlewaretoken" or kind in ("file", "submit", "button"):
                continue
            kinds[name] = {"number": "number", "date": "date", "datetime-local": "date"}.get(
                kind, "text"
            )
            if kind in ("checkbox", "radio"):
                if element.checked or name not in values:
                    values[name] = element.get("value") or "on"
            elif element.tag == "select":
                options = [o.get("value", o.text_content()) for o in element.iter("option")]
                chosen = element.value
                if not isinstance(chosen, str):  # a multiple select
                    chosen = next(iter(chosen), "")
                values[name] = chosen or next((o for o in options if o), "")
            else:
                values[name] = element.value or ""
        found.append((action, values, kinds))
    return found


def attacks(values: dict[str, str], kinds: dict[str, str], draw: random.Random):
    """(label, keyword arguments for Client.post) of each hostile submission of one form."""
    drawn = sorted(draw.sample(sorted(kinds), min(FIELDS_PER_FORM, len(kinds))))
    for name, kind in ((name, kinds[name]) for name in drawn):
        # Every hostile date in a date field (they are few); a draw of the others.
        count = len(DATES) if kind == "date" else VALUES_PER_FIELD
        for value in draw.sample(HOSTILE[kind], min(count, len(HOSTILE[kind]))):
            yield f"{name}={value[:20]!r}", {"data": {**values, name: value}}
        yield f"{name} missing", {"data": {k: v for k, v in values.items() if k != name}}
    if kinds:
        # CESU-8 surrogate and a stray byte, which are not UTF-8, in one field drawn at random.
        name = draw.choice(sorted(kinds))
        raw = urlencode({k: v for k, v in values.items() if k != name})
        body = f"{raw}&{quote(name)}=%ED%A0%80x%FF".encode()
        yield f"{name} not UTF-8", {"data": body, "content_type": FORM}
    yield "empty", {"data": {}}
    yield "repeated", {"data": {k: [v, draw.choice(HOSTILE["text"])] for k, v in values.items()}}
    yield "long texts", {"data": {k: LONG if kinds[k] == "text" else v for k, v in values.items()}}
    yield "unknown field", {"data": {**values, "id": "1", "pk": "99999999999999999999"}}
    yield "JSON", {"data": json.dumps(values), "content_type": "application/json"}
    yield "raw bytes", {"data": b"\xff\xfe\xfd=\xc0\xaf&=", "content_type": FORM}
    yield "text/plain", {"data": "hola=1", "content_type": "text/plain"}
    yield (
        "truncated multipart",
        {
            "data": b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nb',
            "content_type": "multipart/form-data; boundary=xyz",
        },
    )


FORM = "application/x-www-form-urlencoded"


def refused(response) -> bool:
    if 400 <= response.status_code < 500:
        return True
    return response.status_code == 200 and b"errorlist" in response.content


def check(response, where: str, before: tuple[int, dict[str, int]]) -> list[str]:
    problems = []
    if response.status_code >= 500:
        return [f"{where}: {response.status_code}"]
    if not refused(response):
        return []
    page = response.content.decode("utf-8", "replace")
    is_html = response.get("Content-Type", "").startswith("text/html")
    if is_html:
        problems += spanish_page_problems(where, response.status_code, page)
    changed = tables_written_since(before)
    if changed:
        problems.append(f"{where}: refused ({response.status_code}) but wrote to {changed}")
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize(("person", "page"), PAGES, ids=[f"{p}:{u}" for p, u in PAGES])
def test_forms_refuse_hostile_input_in_spanish_without_writing(demo, person, page):
    client = Client(headers={"Accept-Language": "es-MX"})
    if person:
        client.force_login(User.objects.get(email=f"{person}@demo.metropoli.mx"))
    if "{contribution}" in page or "/carrito/" in page or "/pagar/" in page:
        _fill_cart(client, demo)
    path = page.format(**demo)
    answer = client.get(path)
    assert answer.status_code == 200, (path, answer.status_code)
    forms = post_forms(answer)
    assert forms, f"no POST form on {path}"
    draw = random.Random(f"{SEED}:{path}")
    problems: list[str] = []
    seen = set()
    for action, values, kinds in forms:
        # One form of each shape per page (a moderation page has one per contribution).
        shape = (re.sub(r"\d+", "N", action), tuple(sorted(kinds)))
        if shape in seen:
            continue
        seen.add(shape)
        for label, request in attacks(values, kinds, draw):
            # A savepoint of its own: a row the view writes outside any atomic block of its own
            # then carries this savepoint's (new) transaction id, as tables_written_since needs.
            with transaction.atomic():
                before = written_rows()
                response = client.post(action, **request)
                problems += check(response, f"POST {action} [{label}]", before)
    assert problems == [], "\n".join(problems[:40])


def _fill_cart(client: Client, demo: dict) -> None:
    """One product in the cart, so that the cart and the checkout pages show their forms."""
    client.post(f"/mercado/{demo['market']}/agregar/", {"product": demo["product"], "quantity": 1})


@pytest.mark.django_db
def test_a_milestone_in_year_9999_is_refused_and_cannot_break_the_project_page(demo):
    """A milestone ending on 9999-12-31 was stored, and the project's Gantt chart (which runs to
    the first of January after the last date) then answered 500 on every visit."""
    from metropoli.cooperation.models import Milestone

    client = Client(headers={"Accept-Language": "es-MX"})
    client.force_login(User.objects.get(email="cooperacion@demo.metropoli.mx"))
    code = demo["project"]
    count = Milestone.objects.count()
    for planned_start, planned_end, actual_end in [
        ("2026-01-01", "9999-12-31", ""),
        ("0001-01-01", "2026-06-30", ""),
        ("2026-01-01", "2026-06-30", "2099-12-31"),  # an actual date in the future
    ]:
        answer = client.post(
            f"/cooperacion/proyecto/{code}/hitos/nuevo/",
            {
                "title": "Hito",
                "planned_start": planned_start,
                "planned_end": planned_end,
                "actual_end": actual_end,
            },
        )
        assert answer.status_code == 400
        page = answer.content.decode()
        assert "Escribe una fecha entre 1900 y 2100." in page or "en el futuro" in page
    assert Milestone.objects.count() == count
    assert client.get(f"/cooperacion/proyecto/{code}/").status_code == 200


@pytest.mark.django_db
def test_an_opportunity_deadline_in_year_1_or_9999_is_refused(demo):
    from metropoli.cooperation.models import Opportunity

    client = Client(headers={"Accept-Language": "es-MX"})
    client.force_login(User.objects.get(email="cooperacion@demo.metropoli.mx"))
    count = Opportunity.objects.count()
    for deadline in ("0001-01-01", "9999-12-31"):
        answer = client.post(
            "/cooperacion/convocatorias/nueva/",
            {"kind": "call", "title": "Convocatoria", "deadline": deadline, "status": "identified"},
        )
        assert answer.status_code == 400
        assert "Escribe una fecha entre 1900 y 2100." in answer.content.decode()
    assert Opportunity.objects.count() == count


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("label", "body", "content_type", "headers", "status", "message"),
    [
        ("too many fields", "&".join(f"f{i}=1" for i in range(1200)), FORM, {}, 400, None),
        ("too large", "a=" + "x" * (6 * 1024 * 1024), FORM, {}, 413, "demasiado grande"),
        ("multipart without boundary", "a=1", "multipart/form-data", {}, 400, None),
        ("refused Host header", "a=1", FORM, {"Host": "no es un host"}, 400, None),
    ],
)
def test_bodies_django_cannot_read_are_refused_in_spanish(
    client, label, body, content_type, headers, status, message
):
    """Django answered these with its English «Bad Request (400)» page."""
    headers = {"Accept-Language": "es-MX", **headers}
    answer = client.post("/cuentas/entrar", body, content_type=content_type, headers=headers)
    assert answer.status_code == status, label
    page = answer.content.decode()
    assert '<html lang="es-mx">' in page, label
    assert (message or "La solicitud está mal formada.") in page, label


@pytest.mark.django_db
def test_unknown_addresses_and_objects_are_refused_in_spanish(client, municipalities):
    """Django answered these with its English «Not Found» page."""
    headers = {"Accept-Language": "es-MX"}
    for path in ("/no-existe/", "/arbol/arboles/99999999999999999999", "/cooperacion/proyecto/X/"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 404, path
        assert "Esta página no existe" in answer.content.decode(), path
    english = client.get("/no-existe/", headers={"Accept-Language": "en"}).content.decode()
    assert "This page does not exist" in english
    # The API keeps its JSON answer.
    assert client.get("/api/no-existe", headers=headers).json()["code"] == "not_found"


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_refused_in_spanish(municipalities):
    """Django answered with its «403 Forbidden» page about CSRF verification."""
    client = Client(enforce_csrf_checks=True, headers={"Accept-Language": "es-MX"})
    answer = client.post("/cuentas/entrar", {"username": "a@example.mx", "password": "x"})
    assert answer.status_code == 403
    assert "El formulario caducó" in answer.content.decode()


@pytest.mark.django_db
def test_the_wrong_method_on_a_page_is_refused_in_spanish(client, municipalities):
    """Django's 405 for a page has no body: a blank page."""
    headers = {"Accept-Language": "es-MX"}
    client.force_login(UserFactory())
    answer = client.get("/arbol/treender/arboles/1/voto/", headers=headers)  # a form's action
    assert answer.status_code == 405 and answer["Allow"] == "POST"
    assert "Esta dirección solo recibe lo que envía un formulario." in answer.content.decode()
    answer = client.post("/cooperacion/cronograma/", headers=headers)  # a page to read
    assert answer.status_code == 405 and "GET" in answer["Allow"]
    assert "Este método no se admite aquí." in answer.content.decode()
    # The API keeps its JSON.
    assert client.get("/api/markets/orders").json()["code"] == "method_not_allowed"


def test_the_gantt_chart_draws_a_date_in_the_last_year_python_knows():
    from datetime import date

    from metropoli.cooperation.charts import GanttRow, gantt

    row = GanttRow("Hito", date(9998, 1, 1), date(9999, 12, 31))
    legend = {"planned": "planeado", "actual": "real", "critical": "ruta crítica"}
    assert "<svg" in gantt([row], title="Hitos", chart_id="g", legend=legend)
