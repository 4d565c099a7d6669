"""The one API edge every module shares: who is asking, the CSRF check and the permission check.

- `session` (`SessionAuth`): the browser's Django session; a write needs the CSRF token
  (header X-CSRFToken), else 403 `csrf_failed` with one message in the request's language.
- `session_user(request)`: the same for endpoints open to guests too (an order, a
  contribution): the signed-in person, CSRF-checked, or None for a guest.
- `require(who, rule, obj)`: a `rules` permission of a person (or of a request's person),
  else `DomainError` 403 `permission_denied`; used by services, API endpoints and HTML views.
  Which layer checks what: docs/decisions/0088-one-api-edge-permissions-in-services.md.
- Devices that cannot keep a session (the sensors) subclass ninja's `HttpBasicAuth`.
- Rate limits: `common.ratelimit.enforce` (and `limit_anonymous_posts` for views).

A test (tests/test_one_api_edge.py) keeps other apps from growing their own copies.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from .errors import CommonErrorCode, DomainError, ErrorCode


def check_csrf_token(request: HttpRequest) -> None:
    """Refuse a write without the page's CSRF token: 403 `csrf_failed` (one message)."""
    if getattr(request, "_ninja_csrf_exempt", False):
        return
    if check_csrf(request) is not None:
        raise DomainError(CommonErrorCode.CSRF_FAILED)


class SessionAuth(NinjaSessionAuth):
    """Session login (401 without one); writes need the CSRF token, refused in words."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.csrf:
            check_csrf_token(request)
        return request.COOKIES.get(self.param_name)


session = SessionAuth()


def session_user(request: HttpRequest):
    """The signed-in person (their write CSRF-checked, so another site cannot act with their
    session cookie), or None for a guest. For endpoints open to guests as well."""
    if not request.user.is_authenticated:
        return None
    check_csrf_token(request)
    return request.user


class Forbidden(DomainError, PermissionDenied):
    """`require`'s refusal: a DomainError (its code, its message translated at the edge, 403)
    that is also Django's PermissionDenied, for code that knows only Django's."""


def require(
    who: Any,
    rule: str,
    obj: Any = None,
    *,
    code: ErrorCode = CommonErrorCode.PERMISSION_DENIED,
    message: str | None = None,
    **params: Any,
) -> None:
    """Go on only if `who` (a person, or a request's person) has `rule` on `obj`.

    Else `Forbidden`, a `DomainError` of `code` (403 at the edge: `permission_denied` unless
    the module has its own code), with `message` (an English msgid marked with
    `gettext_noop`, translated at the edge) and its `params` when given.
    """
    user = who.user if isinstance(who, HttpRequest) else who
    if user is not None and user.has_perm(rule, obj):
        return
    raise Forbidden(code, message, **params)
