"""What every Mi Mercado endpoint shares: error answers and lookups (the session, `require` and
rate limits are the platform's: common/api.py, common/ratelimit.py)."""

from uuid import UUID

from django.utils.translation import gettext as _

from metropoli.common.error_schema import ErrorOut
from metropoli.common.errors import ApiError

from .. import selectors
from ..models import Market, Order

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
# Writes: 503 with Retry-After when the transaction lost to others twice (common/transactions.py).
WRITE_ERRORS = {**ERRORS, 503: ErrorOut}


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
