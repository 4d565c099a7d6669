"""The HTML edge of `DomainError`: a refusal becomes a 4xx page, or a message on a form.

The API's edge is `config/api.py` (a ninja exception handler); these are for views. A view that
shows the form again catches the error and calls `add_to_form` (or shows `message_of(error)`);
any other view lets it rise to `DomainErrorsMiddleware`, which answers the status of the code's
kind with the error page (or `{"code", "message"}` to a client that asked for JSON), and
`Retry-After` when the error has one. Decision 0054.
"""

from __future__ import annotations

import logging

from django import forms
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from psycopg import errors as pg_errors

from metropoli.common.errors import HTTP_STATUS, CommonErrorCode, DomainError, Kind
from metropoli.common.middleware import error_response, wants_json

log = logging.getLogger(__name__)


def saved_meanwhile(exception: BaseException) -> DomainError | None:
    """A unique index (or exclusion constraint) refused a write: another request saved the same
    thing after this one looked. Services that expect it answer in their own words (a sign-up,
    an idempotent retry); anywhere else it is a 409 with a message, not a 500. Logged with the
    constraint's name, in case it is a mistake of ours and not a race."""
    if not isinstance(exception, IntegrityError):
        return None
    cause = exception.__cause__
    if not isinstance(cause, pg_errors.UniqueViolation | pg_errors.ExclusionViolation):
        return None
    log.warning("a write met a row saved meanwhile: %s", cause.diag.constraint_name)
    return DomainError(CommonErrorCode.SAVED_MEANWHILE)


def message_of(error: DomainError) -> str:
    """The error's message in the active language."""
    return error.render(gettext)


def status_of(error: DomainError) -> int:
    return HTTP_STATUS[error.kind]


def is_forbidden(error: DomainError) -> bool:
    return error.kind is Kind.FORBIDDEN


def problems_by_field(error: DomainError) -> dict[str | None, list[str]]:
    """What the refusal says about each input (None: about none in particular), in the active
    language: its ``details`` when it has some, else its message on its ``on_field``."""
    if not error.details:
        return {error.on_field: [message_of(error)]}
    problems: dict[str | None, list[str]] = {}
    for detail in error.details:
        problems.setdefault(detail.get("field"), []).append(str(detail["problem"]))
    return problems


def add_to_form(form: forms.BaseForm, error: DomainError, field: str | None = None) -> None:
    """Show the refusal on ``form``: each problem on its field (``field`` overrides the error's
    own), named in front of it when the form has no such field, or above the fields."""
    problems = problems_by_field(error)
    if field is not None:
        problems = {field: [p for messages in problems.values() for p in messages]}
    for name, messages in problems.items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message if target or not name else f"{name}: {message}")


def domain_error_response(request: HttpRequest, error: DomainError) -> HttpResponse:
    """The error page (or JSON) with the status of the error's kind."""
    status = status_of(error)
    if wants_json(request):
        response = error_response(
            request, status, str(error.code), message_of(error), details=error.details
        )
    else:
        response = render(request, "web/error.html", {"message": message_of(error)}, status=status)
    if error.retry_after is not None:
        response["Retry-After"] = str(error.retry_after)
    return response


class DomainErrorsMiddleware:
    """A `DomainError` no view caught: the status of its kind and its message, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return domain_error_response(request, exception)
        if (conflict := saved_meanwhile(exception)) is not None:
            return domain_error_response(request, conflict)
        return None
