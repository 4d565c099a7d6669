"""A guest's first keyed write: the session row is written once, with the cookie."""

import json

import pytest
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from metropoli.common.models import IdempotencyRecord
from metropoli.common.sessions import SessionStore
from metropoli.markets.models import Order

pytestmark = pytest.mark.django_db


def test_a_reserved_key_survives_reading_the_session_and_is_inserted_on_save():
    session = SessionStore()
    key = session.reserve_key()
    assert len(key) == 40 and session.reserve_key() == key
    assert session.get("cart") is None  # reading does not look the key up and drop it
    assert session.session_key == key and not Session.objects.filter(pk=key).exists()
    session["cart"] = {"1": "2"}
    session.save()
    assert SessionStore(key).get("cart") == {"1": "2"}
    session["cart"] = {}
    session.save()  # later saves update the row
    assert SessionStore(key).get("cart") == {}
    assert Session.objects.filter(pk=key).count() == 1


def test_a_session_with_a_key_keeps_it():
    session = SessionStore()
    session.create()
    assert session.reserve_key() == session.session_key


def test_a_guests_first_order_writes_its_session_once_and_the_retry_replays(market, tomato):
    guest = Client()
    body = {
        "market": market.slug,
        "lines": [{"product_id": tomato.pk, "quantity": "1"}],
        "method": "pickup",
        "pickup_slot": "09:00-11:00",
        "name": "Ana López",
        "phone": "33 1234 5678",
    }

    def order():
        return guest.post(
            "/api/markets/orders",
            json.dumps(body),
            content_type="application/json",
            headers={"Idempotency-Key": "guest-order-0001"},
        )

    with CaptureQueriesContext(connection) as queries:
        first = order()
    assert first.status_code == 201
    session_writes = [
        q["sql"].split()[0] for q in queries.captured_queries if '"django_session"' in q["sql"]
    ]
    assert session_writes == ["INSERT"]
    cookie = guest.cookies["sessionid"].value
    assert Session.objects.filter(pk=cookie).exists()
    with CaptureQueriesContext(connection) as queries:
        again = order()  # the same browser retries: the same order, nothing written twice
    # A reserved key is a guest's: no session query to find out who is asking (decision 0094).
    assert not [q for q in queries.captured_queries if '"django_session"' in q["sql"]]
    assert again.status_code == 200 and again.json() == first.json()
    assert Order.objects.count() == 1
    stranger = Client()  # the same key from another browser is its own key: a new order
    assert (
        stranger.post(
            "/api/markets/orders",
            json.dumps(body),
            content_type="application/json",
            headers={"Idempotency-Key": "guest-order-0001"},
        ).status_code
        == 201
    )
    assert Order.objects.count() == 2


def test_the_keys_row_is_written_before_the_stock_rows_are_locked(market, tomato):
    body = {
        "market": market.slug,
        "lines": [{"product_id": tomato.pk, "quantity": "1"}],
        "method": "pickup",
        "pickup_slot": "09:00-11:00",
        "name": "Ana López",
        "phone": "33 1234 5678",
    }
    with CaptureQueriesContext(connection) as queries:
        response = Client().post(
            "/api/markets/orders",
            json.dumps(body),
            content_type="application/json",
            headers={"Idempotency-Key": "guest-order-0002"},
        )
    assert response.status_code == 201
    statements = [q["sql"] for q in queries.captured_queries]
    key_rows = [i for i, s in enumerate(statements) if "common_idempotencyrecord" in s]
    stock = next(i for i, s in enumerate(statements) if "FOR NO KEY UPDATE" in s)
    # The claim draws the order's id: the key's row is written once, already naming its order
    # (decision 0094), before anything else of the checkout.
    assert len(key_rows) == 1 and "INSERT" in statements[key_rows[0]]
    assert key_rows[0] < stock
    record = IdempotencyRecord.objects.get(key="guest-order-0002")
    assert record.result_id == Order.objects.get().pk
    assert response.json()["id"] == str(Order.objects.get().public_id)
    # Competing checkouts wait on the stock rows' locks: nothing else is written while held.
    # Next comes the end of the write (a COMMIT; a savepoint's release inside the test's
    # transaction).
    assert statements[stock + 1].startswith(("COMMIT", "RELEASE SAVEPOINT"))


@pytest.mark.django_db(transaction=True)
def test_a_session_written_outside_a_transaction_is_one_statement_with_djangos_errors():
    session = SessionStore()
    key = session.reserve_key()
    session["cart"] = {"1": "2"}
    with CaptureQueriesContext(connection) as queries:
        session.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["INSERT"]
    assert SessionStore(key).get("cart") == {"1": "2"}
    session["cart"] = {}
    with CaptureQueriesContext(connection) as queries:
        session.save()
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["UPDATE"]
    assert SessionStore(key).get("cart") == {}
    with pytest.raises(CreateError):  # the key is taken: as Django's own save says
        SessionStore(key).save(must_create=True)
    gone = SessionStore(key)
    gone["cart"] = {"2": "1"}  # read, then the row is deleted meanwhile
    Session.objects.filter(pk=key).delete()
    with pytest.raises(UpdateError):
        gone.save()


def _browser_with_reserved_key(**data) -> tuple[Client, str]:
    session = SessionStore()
    key = session.reserve_key()
    session.update(data)
    session.save()
    browser = Client()
    browser.cookies["sessionid"] = key
    return browser, key


def test_a_reserved_key_is_a_guest_whatever_its_row_holds(django_user_model):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    person = django_user_model.objects.create_user("ana@example.mx", password="s3cret-pass-9")
    # What Django's login writes, under a guest's key (no login of Django's does that).
    browser, _key = _browser_with_reserved_key(
        **{
            SESSION_KEY: str(person.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: person.get_session_auth_hash(),
        }
    )
    assert not browser.get("/").wsgi_request.user.is_authenticated


def test_signing_in_from_a_guests_session_gives_it_a_key_of_djangos(django_user_model):
    person = django_user_model.objects.create_user("ana@example.mx", password="s3cret-pass-9")
    browser, key = _browser_with_reserved_key(cart={"1": "2"})
    assert not browser.get("/").wsgi_request.user.is_authenticated
    assert browser.login(email="ana@example.mx", password="s3cret-pass-9")
    signed_in = browser.session.session_key
    assert signed_in != key and len(signed_in) == 32
    assert browser.get("/").wsgi_request.user == person
