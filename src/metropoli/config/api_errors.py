"""What the API says when django-ninja or pydantic refuse a request, in the request's language.

Ninja's own errors ("Cannot parse request body", "CSRF check Failed") and pydantic's
validation messages are English; these functions give each a stable code and a message through
gettext (docs/decisions/0008-api-errors-and-openapi.md).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja.errors import AuthorizationError, HttpError

from metropoli.common.errors import CommonErrorCode
from metropoli.common.middleware import BODY_MESSAGE, status_error


def http_error(exc: HttpError) -> tuple[int, str, str]:
    """(status, code, message) for an HttpError raised inside ninja."""
    text = str(exc)
    if exc.status_code == 400 and text.startswith("Cannot parse request body"):
        return 400, "invalid_body", str(BODY_MESSAGE)
    if exc.status_code == 403 and text.startswith("CSRF check"):
        # ninja's own check (common/api.py's SessionAuth answers the same itself).
        csrf = CommonErrorCode.CSRF_FAILED
        return 403, str(csrf), _(csrf.message)
    if isinstance(exc, AuthorizationError):
        return 403, "permission_denied", _("You are not allowed to do this.")
    code, message = status_error(exc.status_code)
    return exc.status_code, code, str(message)


def _limit(ctx: dict, key: str):
    return ctx.get(key, "")


# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/).
def validation_problem(error: dict) -> str:
    """One pydantic error as a short phrase in the active language."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("is required")
    if kind in ("string_too_short", "too_short"):
        if kind == "string_too_short":
            return _("must have at least %(n)s characters") % {"n": _limit(ctx, "min_length")}
        return _("must have at least %(n)s items") % {"n": _limit(ctx, "min_length")}
    if kind in ("string_too_long", "too_long"):
        if kind == "string_too_long":
            return _("must have at most %(n)s characters") % {"n": _limit(ctx, "max_length")}
        return _("must have at most %(n)s items") % {"n": _limit(ctx, "max_length")}
    if kind == "greater_than":
        return _("must be greater than %(n)s") % {"n": _limit(ctx, "gt")}
    if kind == "greater_than_equal":
        return _("must be at least %(n)s") % {"n": _limit(ctx, "ge")}
    if kind == "less_than":
        return _("must be less than %(n)s") % {"n": _limit(ctx, "lt")}
    if kind == "less_than_equal":
        return _("must be at most %(n)s") % {"n": _limit(ctx, "le")}
    if kind in ("literal_error", "enum"):
        return _("must be one of: %(choices)s") % {"choices": _limit(ctx, "expected")}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("must be a whole number")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type", "finite_number"):
        return _("must be a number")
    if kind in ("bool_parsing", "bool_type"):
        return _("must be true or false")
    if kind.startswith("datetime_"):
        return _("must be a date and time (YYYY-MM-DDTHH:MM)")
    if kind.startswith("date_"):
        return _("must be a date (YYYY-MM-DD)")
    if kind in ("uuid_parsing", "uuid_type"):
        return _("must be a UUID")
    if kind in ("string_type", "string_sub_type"):
        return _("must be text")
    if kind == "list_type":
        return _("must be a list")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("must be an object")
    if kind == "string_pattern_mismatch":
        return _("has the wrong format")
    if kind == "extra_forbidden":
        return _("is not expected here")
    if kind == "json_invalid":
        return _("is not valid JSON")
    return _("is not valid")
