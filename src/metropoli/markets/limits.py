"""Limits that the API and the pages of Mi Mercado share."""

from django.conf import settings

from metropoli.common.ratelimit import Attempts

from .models import Order


def handover_attempts(request, order: Order) -> Attempts:
    """Wrong hand-over codes are limited per order and per address (429 past either limit)."""
    return Attempts(
        request,
        "markets-handover",
        target=str(order.pk),
        per_target=settings.MARKETS_HANDOVER_FAILURES_PER_ORDER,
        per_address=settings.MARKETS_HANDOVER_FAILURES_PER_ADDRESS,
        window=3600,
        wrong=("wrong_code",),
    )
