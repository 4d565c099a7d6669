"""Errors that reach people: a stable machine code plus a message in their language.

Services and pure packages raise `DomainError`: a code from their module's `ErrorCode` enum,
the parameters of the message, never an HTTP status. Each code declares its `Kind` (not found,
conflict, …) and an English message template (msgid, marked with `gettext_noop`). The edge turns
a `DomainError` into an answer once: `config/api.py` for the API (`{"code", "message"}` with the
status of its kind), `common/domain_errors.py` for HTML views. Decision:
docs/decisions/0054-domain-errors.md.

This module imports nothing from Django, so the pure sub-packages can raise its errors too (the
API's `ErrorOut` schema is in `common/error_schema.py`). `ApiError` stays for the edge itself
(an endpoint that refuses a request before any service).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from metropoli.common.i18n import gettext_noop


class Kind(StrEnum):
    """What sort of refusal a code is; the edge maps each to one HTTP status (`HTTP_STATUS`)."""

    INVALID = "invalid"  # the input is wrong
    UNAUTHENTICATED = "unauthenticated"  # who is asking is unknown
    FORBIDDEN = "forbidden"  # known, but not allowed
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"  # the state of things does not allow it (now)
    GONE = "gone"  # it existed and is no longer available
    TOO_LARGE = "too_large"
    UNSUPPORTED = "unsupported"  # a kind of content that is not accepted
    UNPROCESSABLE = "unprocessable"  # understood, consistent, and still refused
    RATE_LIMITED = "rate_limited"
    UNAVAILABLE = "unavailable"  # a dependency (storage, database) does not answer


HTTP_STATUS: dict[Kind, int] = {
    Kind.INVALID: 400,
    Kind.UNAUTHENTICATED: 401,
    Kind.FORBIDDEN: 403,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.GONE: 410,
    Kind.TOO_LARGE: 413,
    Kind.UNSUPPORTED: 415,
    Kind.UNPROCESSABLE: 422,
    Kind.RATE_LIMITED: 429,
    Kind.UNAVAILABLE: 503,
}


class ErrorCode(StrEnum):
    """Base of each module's codes: ``NAME = "wire_code", Kind.X, gettext_noop("Message.")``.

    The value is the stable code clients switch on; ``kind`` gives the HTTP status at the edge;
    ``message`` is the default English msgid (a raise may pass a more precise one). A module's
    catalogue (``locale/es_MX``) translates the msgid.
    """

    kind: Kind
    message: str

    def __new__(cls, value: str, kind: Kind = Kind.INVALID, message: str = "") -> ErrorCode:
        member = str.__new__(cls, value)
        member._value_ = value
        member.kind = kind
        member.message = message
        return member


def _same(text: str) -> str:
    return text


class DomainError(Exception):
    """A refusal in the domain's words: ``code``, message template and its parameters.

    ``DomainError(TreeErrorCode.NOT_FOUND)`` uses the code's message;
    ``DomainError(code, gettext_noop("At most %(n)s."), n=5)`` a more precise one. ``details``
    lists per-field problems (``{"field", "problem"}``), ``on_field`` names the one input the
    refusal is about (a page shows it there), ``retry_after`` (seconds) tells a client when to
    try again. (Message parameters may have any other name, ``field`` included.)
    """

    def __init__(
        self,
        code: ErrorCode,
        message: str | None = None,
        /,
        *,
        details: list[dict] | None = None,
        on_field: str | None = None,
        retry_after: int | None = None,
        **params: Any,
    ) -> None:
        self.code = code
        self.template = message if message is not None else code.message
        self.params = params
        self.details = details
        self.on_field = on_field
        self.retry_after = retry_after
        super().__init__(str(code), self.template)

    @property
    def kind(self) -> Kind:
        return self.code.kind

    def render(self, translate: Callable[[str], str] = _same) -> str:
        """The message in the language of ``translate`` (``gettext`` at the edge)."""
        text = translate(str(self.template))
        return text % self.params if self.params else text

    @property
    def message(self) -> str:
        """The message with its parameters, untranslated (logs, tests)."""
        return self.render()

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={str(self.code)!r}, message={self.message!r})"


class CommonErrorCode(ErrorCode):
    """Refusals shared by every module: permissions, limits, outages, photos, idempotency keys."""

    PERMISSION_DENIED = (
        "permission_denied",
        Kind.FORBIDDEN,
        gettext_noop("You are not allowed to do this."),
    )
    CSRF_FAILED = (
        "csrf_failed",
        Kind.FORBIDDEN,
        gettext_noop(
            "The security check of this form (CSRF) failed. Reload the page and try again."
        ),
    )

    RATE_LIMITED = (
        "rate_limited",
        Kind.RATE_LIMITED,
        gettext_noop("Too many attempts. Please wait a few minutes and try again."),
    )
    BUSY = (
        "busy_try_again",
        Kind.UNAVAILABLE,
        gettext_noop("Many people are doing the same right now. Please try again in a moment."),
    )
    SAVED_MEANWHILE = (
        "saved_meanwhile",
        Kind.CONFLICT,
        gettext_noop(
            "The same was saved a moment ago by another request. Reload the page to see it "
            "before you try again."
        ),
    )
    EDITED_MEANWHILE = (
        "edited_meanwhile",
        Kind.CONFLICT,
        gettext_noop(
            "Someone else changed this record while you were editing it. The form now shows "
            "the current values: make your change again."
        ),
    )
    STORAGE_UNAVAILABLE = (
        "storage_unavailable",
        Kind.UNAVAILABLE,
        gettext_noop("Files cannot be stored right now. Please try again later."),
    )
    PHOTO_TOO_LARGE = (
        "photo_too_large",
        Kind.TOO_LARGE,
        gettext_noop("The photo is too large (%(size)s); the limit is %(limit)s."),
    )
    PHOTO_TOO_MANY_PIXELS = (
        "photo_too_many_pixels",
        Kind.TOO_LARGE,
        gettext_noop("The photo has too many pixels; the limit is %(limit)s megapixels."),
    )
    NOT_AN_IMAGE = (
        "not_an_image",
        Kind.UNSUPPORTED,
        gettext_noop("The file is not a photo. Send a JPEG, PNG or HEIC image."),
    )
    INVALID_IDEMPOTENCY_KEY = (
        "invalid_idempotency_key",
        Kind.INVALID,
        gettext_noop("The Idempotency-Key header must be 8 to 80 printable characters."),
    )
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        Kind.UNPROCESSABLE,
        gettext_noop(
            "This Idempotency-Key was already used for a different request. Send a new key "
            "with each new request."
        ),
    )


class ApiError(Exception):
    """Raised by API endpoints (the edge); rendered as {"code", "message"} with a status.

    Services raise `DomainError` instead.
    """

    def __init__(self, status: int, code: str, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = str(message)
        self.details = details
