"""The production cache is Redis, and the database's cache table while Redis does not answer
(decision 0106): a Redis that is stopped, restarted or never started slows rate limits down but
does not stop log-in or sign-up, and the limits keep holding.

A real redis-server (Debian's) runs on a free port; "Redis down" is that server stopped, and an
address where nothing listens."""

import logging
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache, caches
from django.db import connection
from django.test import override_settings

from metropoli.common import cache as fallback_cache
from metropoli.common.ratelimit import RateLimited, enforce

# Debian's redis-server is one of the packages `make test` installs (scripts/system-deps.sh).
pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, port: int, folder):
        self.port, self.folder, self.process = port, folder, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if redis.Redis(port=self.port).ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def keys(self) -> list[bytes]:
        return redis.Redis(port=self.port).keys("metropoli:*")


def production_caches(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "metropoli.common.cache.RedisWithFallback",
            "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database"},
        },
        "redis": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "metropoli",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        },
        "database": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "metropoli_cache",
        },
    }


def database_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM metropoli_cache WHERE cache_key LIKE %s", ["%rl:%"])
        return cursor.fetchone()[0]


def guesses(scope: str, count: int, limit: int = 5) -> list[bool]:
    """Whether each of `count` events was let through, `limit` per 15 minutes."""
    through = []
    for _ in range(count):
        try:
            enforce(scope, "198.51.100.9", limit=limit, window=900)
        except RateLimited:
            through.append(False)
        else:
            through.append(True)
    return through


@pytest.fixture
def server(tmp_path):
    running = RedisServer(free_port(), tmp_path)
    running.start()
    yield running
    if running.process.poll() is None:
        running.stop()


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(fallback_cache.RedisWithFallback, "_clock", lambda self: now[0])
    return now


def test_counts_live_in_redis_while_it_answers(server):
    with override_settings(CACHES=production_caches(server.port)):
        assert guesses("login", 7) == [True] * 5 + [False] * 2
        assert server.keys(), "the counts are in Redis"
        assert database_rows() == 0


def test_with_no_redis_at_all_limits_hold_in_the_database(caplog):
    with override_settings(CACHES=production_caches(free_port())):  # nothing listens there
        with caplog.at_level(logging.WARNING, logger="metropoli.common.cache"):
            assert guesses("login", 7) == [True] * 5 + [False] * 2
        assert database_rows() > 0
        warnings = [r.getMessage() for r in caplog.records]
        assert len(warnings) == 1 and "Redis does not answer" in warnings[0]  # once, not per call
        cache.set("plain", "value", 60)
        assert cache.get("plain") == "value" == caches["database"].get("plain")


def test_redis_stopped_mid_way_then_back(server, clock, caplog):
    with override_settings(CACHES=production_caches(server.port)):
        assert guesses("signup", 3) == [True] * 3
        server.stop()
        # Redis is gone: the database counts from here on, and still stops a flood.
        with caplog.at_level(logging.WARNING, logger="metropoli.common.cache"):
            assert guesses("signup", 7) == [True] * 5 + [False] * 2
        assert database_rows() > 0
        # While the pause lasts, Redis is not tried again (no timeout per request).
        server.start()
        clock[0] += fallback_cache.RETRY_SECONDS - 1
        cache.set("during", 1, 60)
        assert server.keys() == [] and caches["database"].get("during") == 1
        # After it, Redis is tried again and used.
        clock[0] += 2
        cache.set("after", 1, 60)
        assert caches["redis"].get("after") == 1
        messages = [r.getMessage() for r in caplog.records]
        assert any("Redis answers again" in m for m in messages)


def test_healthz_says_degraded_while_redis_does_not_answer(client, server):
    with override_settings(CACHES=production_caches(server.port)):
        assert client.get("/healthz").json()["cache"] == {"status": "ok", "backend": "redis"}
        server.stop()
        answer = client.get("/healthz")
        assert answer.status_code == 200 and answer.json()["status"] == "degraded"
        assert answer.json()["cache"] == {"status": "unreachable", "backend": "database"}
