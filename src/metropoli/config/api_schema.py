"""The answers every API operation can give, written into the OpenAPI document.

Some refusals do not come from an endpoint but from the layers around all of them, so each
operation's own `response=` cannot list them:
- 400: the request's data is refused before or while it is read: control characters anywhere
  (common/middleware.py), an unreadable body, a parameter of the wrong type or out of range;
- 401 and 403: an operation that needs a session answers them to a caller without one, and
  to a session whose CSRF token is missing or wrong;
- 503: the database is unreachable for a moment (with Retry-After);
- 414: a request line (path and query string) longer than the HTTP server reads (gunicorn:
  4094 bytes) is refused by that server before it reaches the app, so its body is not ours.
All but the 414 are the JSON error object (`ErrorOut`). `make fuzz` checks every answer against
this document (docs/decisions/0047-fuzz.md).
"""

from __future__ import annotations

from ninja import NinjaAPI

from metropoli.common.error_schema import ErrorOut

ERROR_REF = "#/components/schemas/ErrorOut"
EVERY_OPERATION = {
    400: "Invalid request: a parameter or the body is missing, of the wrong type or out of "
    "range, or the request holds control characters.",
    503: "The database is unreachable for a moment; try again after Retry-After seconds.",
}
FROM_THE_SERVER = {
    414: "The path and query string are too long for the HTTP server (about 4 KB); it "
    "answers in its own words (HTML or plain text), before the API.",
}
WITH_SESSION = {
    401: "Not signed in.",
    403: "Not allowed, or the CSRF token (X-CSRFToken header) is missing or wrong.",
}
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def add_common_errors(document: dict) -> dict:
    """Add the common error answers to every operation of `document` that lacks them."""
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            common = dict(EVERY_OPERATION)
            if operation.get("security"):
                common.update(WITH_SESSION)
            responses = operation.setdefault("responses", {})
            for status, description in common.items():
                if status not in responses and str(status) not in responses:
                    responses[status] = {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": ERROR_REF}}},
                    }
            for status, description in FROM_THE_SERVER.items():
                responses.setdefault(status, {"description": description})
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in schemas:
        schemas["ErrorOut"] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    return document


class MetropoliAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document lists the common error answers of every operation."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        add_common_errors(document)
        return document
