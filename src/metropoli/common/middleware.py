"""The edge every request passes: database outages, control characters, API errors as JSON.

Answers made here are in the language of the request and never touch the database: the page is
a small template rendered without context processors (the session, the signed-in person and the
cache all live in the database), the language comes from the cookie or Accept-Language.
Decision: docs/decisions/0039-edge-refusals-and-outages.md.
"""

from __future__ import annotations

import http
import json
import logging
import re
from collections.abc import Iterator

import psycopg
import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    JsonResponse,
    QueryDict,
    RawPostDataException,
)
from django.middleware.common import CommonMiddleware
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.http import escape_leading_slashes
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg import errors as pg_errors

log = logging.getLogger(__name__)

# Paths whose answers are JSON whatever the client asks for.
JSON_PREFIXES = ("/api/", "/tiles/", "/ogc/")
API_PREFIX = "/api/"

# C0 controls but tab, LF and CR, and DEL. PostgreSQL refuses NUL in text; the others break
# exports (XML 1.0) and no form or API field means them.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Inside decoded JSON strings also lone surrogates ("\ud800"), which cannot be encoded as UTF-8.
JSON_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")

# Seconds a client should wait before trying again.
OUTAGE_RETRY_AFTER = 10
BUSY_RETRY_AFTER = 2

# Django wraps the driver's errors; psycopg's own may still escape from outside a cursor.
# Redis, the cache of a production deployment (rate limits), is a database for this purpose.
DATABASE_ERRORS = (
    OperationalError,
    InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    redis.ConnectionError,
    redis.TimeoutError,
)
# The server is there but busy: a retry soon will likely work.
BUSY_ERRORS = (
    pg_errors.DeadlockDetected,
    pg_errors.TransactionRollback,  # serialization failure and the like
    pg_errors.QueryCanceled,  # statement timeout
    pg_errors.LockNotAvailable,
)


def wants_json(request: HttpRequest) -> bool:
    if request.path_info.startswith(JSON_PREFIXES):
        return True
    if request.headers.get("Accept", "").startswith("application/json"):
        return True
    return request.content_type == "application/json"


def language_of(request: HttpRequest) -> str:
    """The request's language, without LocaleMiddleware's help (it may not have run yet)."""
    return getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)


def error_response(
    request: HttpRequest,
    status: int,
    code: str,
    message,
    *,
    details: list[dict] | None = None,
    json_answer: bool | None = None,
) -> HttpResponse:
    """`{"code", "message"}` for JSON clients, a small page otherwise; no database needed.

    `message` (and each detail's "problem") may be lazy: it is read in the request's language.
    """
    language = language_of(request)
    with translation.override(language):
        text = str(message)
        problems = [{**d, "problem": str(d["problem"])} for d in details or ()]
        if wants_json(request) if json_answer is None else json_answer:
            body: dict[str, object] = {"code": code, "message": text}
            if problems:
                body["details"] = problems
            response: HttpResponse = JsonResponse(body, status=status)
            response["Content-Language"] = language
            return response
        page = render_to_string(
            "web/plain_error.html",
            {
                "language": translation.get_language(),
                "title": page_title(status),
                "message": text,
                "platform_name": settings.METROPOLI["PLATFORM_NAME"],
            },
        )
    response = HttpResponse(page, status=status, content_type="text/html; charset=utf-8")
    response["Content-Language"] = language
    return response


def page_title(status: int) -> str:
    if status == 503:
        return _("Temporarily unavailable")
    if status >= 500:
        return _("Something went wrong on our side")
    return _("We could not do that")


# --- database outages ---


def is_database_outage(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_ERRORS)


def _is_busy(error: BaseException) -> bool:
    return isinstance(error.__cause__ or error, BUSY_ERRORS)


OUTAGE_MESSAGE = gettext_lazy(
    "The service is temporarily unavailable (its database does not answer). "
    "Please try again in a minute."
)
BUSY_MESSAGE = gettext_lazy("The database is busy. Please try again in a moment.")


def outage_response(request: HttpRequest, error: BaseException) -> HttpResponse:
    """503 with Retry-After for a database that cannot be reached (or is too busy)."""
    if _is_busy(error):
        log.warning("database busy: %s", error)
        code, retry_after, message = "database_busy", BUSY_RETRY_AFTER, BUSY_MESSAGE
    else:
        log.error("database unavailable: %s: %s", type(error).__name__, error)
        code, retry_after, message = "database_unavailable", OUTAGE_RETRY_AFTER, OUTAGE_MESSAGE
    response = error_response(request, 503, code, message)
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """First in MIDDLEWARE: a view that meets a database outage answers 503, not 500.

    Exceptions raised by other middleware (sessions, the cache behind rate limits) never reach
    this one's __call__, as Django turns them into a response where they happen; those go
    through `server_error` (handler500), which gives the same answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None


# --- control characters ---


def _label(text: str) -> str:
    return CONTROL_CHARACTERS.sub("?", text)[:80]


def _json_strings(data, path: str = "body") -> Iterator[tuple[str, str]]:
    """(where, text) for every key and string value of decoded JSON, without recursion."""
    stack = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            for key, item in value.items():
                yield where, key
                stack.append((f"{where}.{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))


TEXT_BODY_TYPES = ("", "application/json", "application/x-ndjson")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def find_control_characters(request: HttpRequest) -> str | None:
    """Where the request carries a refused character ("path", "query.q", "body.text"), or None."""
    if CONTROL_CHARACTERS.search(request.path_info):
        return "path"
    for key, values in request.GET.lists():
        for text in (key, *values):
            if CONTROL_CHARACTERS.search(text):
                return f"query.{_label(key)}"
    if request.method in ("GET", "HEAD", "OPTIONS") or not _declared_length(request):
        return None
    return _body_control_characters(request)


# Inside UTF-8 JSON text a refused character is either a raw DEL (the other raw controls make
# it invalid JSON) or an escape: \b, \f, \u0000-\u001f, \u007f or a surrogate \ud800-\udfff.
# A body without any of these (nearly all of them) is not decoded a second time here.
JSON_REFUSED_ESCAPE = re.compile(
    rb"\x7f|\\(?:[bf]|u00[01][0-9a-fA-F]|u007[fF]|u[dD][89a-fA-F][0-9a-fA-F]{2})"
)


def _may_escape_refused(body: bytes) -> bool:
    """Whether decoding this JSON body could yield a refused character. UTF-16 and UTF-32
    (which json.loads also reads) always carry NUL bytes, and are always decoded."""
    return b"\x00" in body or JSON_REFUSED_ESCAPE.search(body) is not None


def _body_control_characters(request: HttpRequest) -> str | None:
    content_type = request.content_type or ""
    small = _declared_length(request) <= (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if content_type in FORM_TYPES:
        if content_type == "multipart/form-data" and small:
            # Keep the raw body readable for views that read it (an API endpoint reports a
            # multipart body sent where JSON was expected); larger uploads are streamed.
            request.body  # noqa: B018
        if request.method == "POST":
            fields = request.POST
        elif content_type == "application/x-www-form-urlencoded" and small:
            fields = QueryDict(request.body, encoding=request.encoding)
        else:
            return None
        for key, values in fields.lists():
            for text in (key, *values):
                if CONTROL_CHARACTERS.search(text):
                    return f"form.{_label(key)}"
        # File contents are not text, and Django strips non-printable characters from file names.
        return None
    if not small:
        return None
    body = request.body
    textual = content_type in TEXT_BODY_TYPES or content_type.endswith("+json")
    textual = textual or content_type.startswith("text/")
    if textual:
        try:
            decoded: str | None = body.decode("utf-8")
        except UnicodeDecodeError:
            decoded = None
        if decoded is not None and CONTROL_CHARACTERS.search(decoded):
            return "body"
    # Ninja reads any non-form body as JSON, whatever its declared type.
    if body.lstrip()[:1] in (b"{", b"[") and _may_escape_refused(body):
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            return None
        for where, text in _json_strings(data):
            if JSON_REFUSED.search(text):
                return _label(where)
    return None


class ControlCharactersMiddleware:
    """400 for control characters (NUL and the like) in the path, query, form fields or JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        where = find_control_characters(request)
        if where is None:
            return self.get_response(request)
        return error_response(
            request,
            400,
            "invalid_characters",
            CONTROL_MESSAGE,
            details=[{"field": where, "problem": CONTROL_PROBLEM}],
        )


CONTROL_MESSAGE = gettext_lazy(
    "The request contains invisible control characters (such as NUL) that cannot be accepted. "
    "Remove them and try again."
)
CONTROL_PROBLEM = gettext_lazy("contains a control character")


# --- the API answers JSON ---

STATUS_ERRORS = {
    400: ("bad_request", gettext_lazy("The request is malformed.")),
    401: ("not_authenticated", gettext_lazy("Log in to do this.")),
    403: ("permission_denied", gettext_lazy("You are not allowed to do this.")),
    404: ("not_found", gettext_lazy("Not found.")),
    405: ("method_not_allowed", gettext_lazy("This method is not allowed here.")),
    413: ("payload_too_large", gettext_lazy("The request is too large.")),
    429: (
        "rate_limited",
        gettext_lazy("Too many attempts. Please wait a few minutes and try again."),
    ),
    500: (
        "server_error",
        gettext_lazy("Something went wrong on our side. Please try again later."),
    ),
}
PAGE_METHOD_MESSAGE = gettext_lazy(
    "This address only receives what a form sends. Go back to the page and use its button."
)
BODY_MESSAGE = gettext_lazy("The request body cannot be read. Send valid JSON.")
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")


def status_error(status: int) -> tuple[str, object]:
    """A code and a message for an HTTP status nobody described better."""
    if status in STATUS_ERRORS:
        return STATUS_ERRORS[status]
    if status >= 500:
        return "server_error", STATUS_ERRORS[500][1]
    try:
        code = http.HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        code = "http_error"
    return code, STATUS_ERRORS[400][1]


def _is_json(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    return content_type == "application/json" or content_type.endswith("+json")


def _form_only(response: HttpResponse) -> bool:
    """A 405 whose address takes POST but not GET: the action of a form."""
    allowed = {method.strip() for method in response.get("Allow", "").split(",")}
    return "POST" in allowed and "GET" not in allowed


class ApiErrorsMiddleware:
    """Every error answer under /api/ (and the other JSON paths) is `{"code", "message"}`.

    Unknown paths (Django's 404), methods an endpoint does not have (ninja's bare 405),
    Django's 400 for malformed multipart bodies and its 500 page are replaced here; errors the
    API raised itself are already JSON and pass untouched. Elsewhere, an error answer with no
    body at all (a page's `require_GET` or `require_POST`: a bare 405) gets the error page, or
    JSON for a client that asks for it, so that nobody is left with an empty answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or getattr(response, "streaming", False):
            return response
        if request.path_info.startswith(JSON_PREFIXES):
            if _is_json(response):
                return response
            json_answer: bool | None = True
        elif response.content:
            return response
        else:
            json_answer = None  # as the client asks (common/middleware.wants_json)
        code, message = status_error(response.status_code)
        if json_answer is None and response.status_code == 405 and _form_only(response):
            # Someone opened the address of a form's action (a reload, a shared link).
            message = PAGE_METHOD_MESSAGE
        replacement = error_response(
            request, response.status_code, code, message, json_answer=json_answer
        )
        for header in KEPT_HEADERS:
            if header in response:
                replacement[header] = response[header]
        return replacement

    def process_exception(self, request, exception):
        # A view read the body after this edge parsed a large multipart one: a client error.
        if isinstance(exception, RawPostDataException):
            return error_response(request, 400, "invalid_body", BODY_MESSAGE)
        return None


class HeadAsGetMiddleware:
    """HEAD is answered as the GET would be, without the body (RFC 9110: a general-purpose
    server supports GET and HEAD). Uptime monitors, link checkers and `curl -I` send HEAD;
    pages, the API and tiles are written for GET (Django's `require_GET`, ninja's `@get`) and
    answered 405. First in MIDDLEWARE (production puts only its metrics and request ID before
    it), so every view, check and limit sees a GET; the answer keeps the GET's headers,
    Content-Length included. Decision 0101."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        request.method = "GET"
        try:
            response = self.get_response(request)
        finally:
            request.method = "HEAD"
        if getattr(response, "streaming", False):
            # Not read; a file behind it is closed with the response, as always.
            response.streaming_content = []
        else:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response


class SlashMiddleware(CommonMiddleware):
    """Django's CommonMiddleware, but a POST, PUT, PATCH or DELETE sent to a path without its
    final slash (`/api/trees`) is redirected with 308, which keeps the method and the body.
    Django's answer was a 301, which clients follow with a GET and without the body, or, with
    DEBUG on (`make run`), a 500. GET and HEAD keep Django's 301."""

    def process_response(self, request, response):
        if (
            request.method not in ("GET", "HEAD")
            and response.status_code == 404
            and self.should_redirect_with_slash(request)
        ):
            location = escape_leading_slashes(request.get_full_path(force_append_slash=True))
            return HttpResponsePermanentRedirect(location, preserve_request=True)
        return super().process_response(request, response)
