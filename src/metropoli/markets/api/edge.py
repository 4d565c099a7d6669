"""What every Mi Mercado endpoint shares: error answers, the session, guests' limits, lookups."""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja.utils import check_csrf

from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError
from metropoli.common.ratelimit import anonymous_over_limit

from .. import selectors
from ..models import Market, Order

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
# Writes: 503 with Retry-After when the transaction lost to others twice (common/transactions.py).
WRITE_ERRORS = {**ERRORS, 503: ErrorOut}


def session_user(request):
    """The signed-in person, if any. Endpoints open to guests check CSRF themselves for
    signed-in people, so another site cannot order or cancel with their session cookie."""
    if not request.user.is_authenticated:
        return None
    if check_csrf(request) is not None:
        raise ApiError(403, "csrf_failed", _("The request was refused (CSRF check failed)."))
    return request.user


def limit_guests(request, scope: str, per_hour: int) -> None:
    """429 for a guest (no session) past `per_hour` writes of this kind from one address."""
    if anonymous_over_limit(request, scope, limit=per_hour, window=3600):
        raise ApiError(
            429, "rate_limited", _("Too many attempts. Please wait a few minutes and try again.")
        )


def require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def file_url(field) -> str | None:
    return field.url if field else None


def market_or_404(slug: str) -> Market:
    market = selectors.market_by_slug(slug)
    if market is None:
        raise ApiError(404, "unknown_market", _("There is no market %(slug)s.") % {"slug": slug})
    return market


def order_or_404(public_id: UUID) -> Order:
    """An order by its public id (the id stalls and couriers know it by)."""
    order = selectors.order_by_public_id(public_id)
    if order is None:
        raise ApiError(404, "unknown_order", _("There is no such order."))
    return order
