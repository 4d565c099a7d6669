"""Request IDs, JSON log lines and the metrics endpoint (common/observability.py)."""

import json
import logging
import re
import sys

import pytest
from django.conf import settings
from django.test import Client

from metropoli.common.observability import JsonFormatter, RequestIdMiddleware

pytestmark = pytest.mark.django_db

WITH_IDS = [f"{RequestIdMiddleware.__module__}.RequestIdMiddleware", *settings.MIDDLEWARE]


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def request_log():
    handler = Lines()
    logger = logging.getLogger("metropoli.request")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_the_proxys_request_id_is_answered_and_logged_as_json(settings, request_log):
    settings.MIDDLEWARE = WITH_IDS
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="3f2a9c1e0b7d4e5fa1b2c3d4e5f60718")
    assert response.status_code == 200
    assert response["X-Request-ID"] == "3f2a9c1e0b7d4e5fa1b2c3d4e5f60718"
    [line] = request_log
    assert line["request_id"] == "3f2a9c1e0b7d4e5fa1b2c3d4e5f60718"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["level"] == "INFO" and line["logger"] == "metropoli.request"
    assert isinstance(line["duration_ms"], float)


@pytest.mark.parametrize("given", [None, "short", "two words here", "x" * 200, "id\nforged"])
def test_a_missing_or_strange_request_id_is_replaced_by_a_new_one(settings, request_log, given):
    settings.MIDDLEWARE = WITH_IDS
    headers = {} if given is None else {"HTTP_X_REQUEST_ID": given}
    first = Client().get("/healthz", **headers)["X-Request-ID"]
    second = Client().get("/healthz", **headers)["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    assert [line["request_id"] for line in request_log] == [first, second]


def test_json_lines_carry_extras_and_the_exception():
    formatter = JsonFormatter()
    try:
        raise ValueError("broken")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed %s", ("here",), exc_info=sys.exc_info()
        )
    record.order = 17
    line = json.loads(formatter.format(record))
    assert line["message"] == "failed here" and line["order"] == 17
    assert "ValueError: broken" in line["exception"]
    assert "request_id" not in line  # outside a request


def test_metrics_answer_the_host_only_and_never_through_the_proxy():
    direct = Client().get("/metrics")  # the test client's address is 127.0.0.1
    assert direct.status_code == 200
    assert b"python_info" in direct.content
    assert Client().get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 404
    assert Client(REMOTE_ADDR="10.0.0.7").get("/metrics").status_code == 404
