"""A guest's first keyed write: the session row is written once, with the cookie."""

import json

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from metropoli.common.sessions import SessionStore
from metropoli.markets.models import Order

pytestmark = pytest.mark.django_db


def test_a_reserved_key_survives_reading_the_session_and_is_inserted_on_save():
    session = SessionStore()
    key = session.reserve_key()
    assert len(key) == 32 and session.reserve_key() == key
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
    again = order()  # the same browser retries: the same order, nothing written twice
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
    result = next(
        i for i, s in enumerate(statements) if "common_idempotencyrecord" in s and "UPDATE" in s
    )
    stock = next(i for i, s in enumerate(statements) if "FOR NO KEY UPDATE" in s)
    # Competing checkouts wait on the stock rows' locks: nothing else is written while held.
    assert result < stock
    # Next comes the end of the write (a COMMIT; a savepoint's release inside the test's
    # transaction).
    assert statements[stock + 1].startswith(("COMMIT", "RELEASE SAVEPOINT"))
