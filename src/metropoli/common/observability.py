"""What operators see of a running server: request IDs, JSON log lines, Prometheus metrics.

The production settings install these (config/settings/production.py):
- `RequestIdMiddleware` takes the request ID the proxy made (nginx's `$request_id`, sent as
  `X-Request-ID`) or makes one, answers it in `X-Request-ID`, and writes one log line per request;
- `JsonFormatter` writes every log record as one JSON object with that request ID, so that a
  line of nginx's access log and the app's lines of the same request can be joined;
- `metrics` is the Prometheus endpoint. It is not public: it answers only requests that come
  straight from an address in METROPOLI_METRICS_ALLOWED (the scraper on the host), never one
  relayed by the proxy (which also refuses /metrics itself).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse

_request_id: ContextVar[str] = ContextVar("metropoli_request_id", default="")
# nginx's $request_id is 32 hex digits; other proxies' IDs (UUIDs, …) fit this too. Anything
# else is replaced, so a client cannot write arbitrary text into the logs.
ACCEPTED_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")
access_log = logging.getLogger("metropoli.request")


def current_request_id() -> str:
    """The ID of the request this thread is answering ("" outside a request)."""
    return _request_id.get()


class RequestIdMiddleware:
    """Outermost: every answer carries X-Request-ID and every log line of the request its ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = given if ACCEPTED_ID.fullmatch(given) else uuid.uuid4().hex
        token = _request_id.set(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]  # ours, on Django's request
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_id.reset(token)


# The attributes every LogRecord has; the others were passed with `extra=` and are written out.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = _request_id.get()
        if request_id:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


@lru_cache(maxsize=4)
def _networks(allowed: tuple[str, ...]):
    return tuple(ipaddress.ip_network(item, strict=False) for item in allowed)


def metrics_allowed(request: HttpRequest) -> bool:
    """True for a request made straight from an allowed address (no proxy in between)."""
    if "HTTP_X_FORWARDED_FOR" in request.META:
        return False
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    allowed = tuple(getattr(settings, "METRICS_ALLOWED", ("127.0.0.1", "::1")))
    return any(peer in network for network in _networks(allowed))


def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus' text format: request counts and latencies by view, process figures. With
    PROMETHEUS_MULTIPROC_DIR set (gunicorn), the figures of all of the server's workers."""
    if not metrics_allowed(request):
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)
