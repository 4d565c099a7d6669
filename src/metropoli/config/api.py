"""The HTTP/JSON API: one NinjaAPI, each module's router mounted under its name."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from metropoli.benefits.api import router as benefits_router
from metropoli.common.domain_errors import saved_meanwhile
from metropoli.common.errors import HTTP_STATUS, ApiError, DomainError
from metropoli.common.middleware import DATABASE_ERRORS, outage_response
from metropoli.cooperation.api import router as cooperation_router
from metropoli.markets.api import router as markets_router
from metropoli.participation.api import router as participation_router
from metropoli.sensors.api import router as sensors_router
from metropoli.territory.api import router as territory_router
from metropoli.trees.api import router as trees_router
from metropoli.validation.api import router as validation_router

from . import api_errors
from .api_schema import MetropoliAPI

api = MetropoliAPI(
    title="Metrópoli API",
    version="1",
    description=(
        "Open API of the Metrópoli platform. Errors are JSON objects with a stable `code` "
        "and a `message` in the language of the request (Accept-Language: es-MX or en)."
    ),
    urls_namespace="api",
    # No deep links: Swagger UI would nest them inside each operation's button (an accessibility
    # violation, web/templates/ninja/swagger.html); the page is otherwise Swagger's own.
    docs=Swagger(settings={"deepLinking": False}),
)
api.add_router("/territory/", territory_router)
api.add_router("/cooperation/", cooperation_router)
api.add_router("/trees/", trees_router)
# Eco-benefits share the /api/trees/ prefix: /api/trees/{id}/ecobenefits, /api/trees/ecobenefits.
api.add_router("/trees/", benefits_router)
api.add_router("/markets/", markets_router)
api.add_router("/sensors/", sensors_router)
api.add_router("/validation/", validation_router)
api.add_router("/participation/", participation_router)


def _error(request, status: int, code: str, message: str, details=None):
    body = {"code": code, "message": str(message)}
    if details:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(ApiError)
def on_api_error(request, exc: ApiError):
    response = _error(request, exc.status, exc.code, exc.message, exc.details)
    for name, value in getattr(exc, "headers", {}).items():  # e.g. Retry-After with a 503
        response[name] = value
    return response


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    """A service's refusal: the status of its code's kind, the message in the request's language."""
    response = _error(request, HTTP_STATUS[exc.kind], str(exc.code), exc.render(_), exc.details)
    if exc.retry_after is not None:
        response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    details = [
        {
            "field": ".".join(str(part) for part in error.get("loc", [])),
            "problem": api_errors.validation_problem(error),
        }
        for error in exc.errors
    ]
    return _error(request, 400, "invalid_input", _("The request has invalid data."), details)


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc: DjangoValidationError):
    return _error(request, 400, "invalid_input", " ".join(exc.messages))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return _error(
        request, 403, "permission_denied", str(exc) or _("You are not allowed to do this.")
    )


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, "not_authenticated", _("Log in to do this."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    status, code, message = api_errors.http_error(exc)
    return _error(request, status, code, message)


@api.exception_handler(IntegrityError)
def on_integrity_error(request, exc: IntegrityError):
    """Another request saved the same thing meanwhile: 409, as on pages (common/domain_errors)."""
    conflict = saved_meanwhile(exc)
    if conflict is None:
        raise exc
    return on_domain_error(request, conflict)


# A database outage inside an endpoint: the same 503 as everywhere (common/middleware.py).
for _outage in DATABASE_ERRORS:
    api.add_exception_handler(_outage, outage_response)
