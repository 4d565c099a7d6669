"""The pickup day and slot of a checkout: chosen against the market's calendar, then held.

A slot is first checked against the places taken when the checkout starts (`choose_pickup`);
the place is held inside the checkout's transaction, after the order row is in
(`hold_pickup_place`, docs/decisions/0030-markets-pickup-capacity.md).
"""

from __future__ import annotations

from datetime import date

from django.utils.functional import lazy

from metropoli.common.errors import DomainError

from .. import selectors
from ..errors import MarketErrorCode
from ..models import Market, pickup_day_label
from ..pickup import Calendar, SlotError, SlotErrorCode, parse_slot
from .fetch import CheckoutInfo

# A day written in the language of the answer («martes 10 de junio», «Tuesday June 10»).
_day_label = lazy(pickup_day_label, str)


def _slot_refused(market: Market, calendar: Calendar, exc: SlotError) -> DomainError:
    if exc.code in (SlotErrorCode.UNKNOWN_SLOT, SlotErrorCode.INVALID_CHOICE):
        return DomainError(
            MarketErrorCode.INVALID_PICKUP_SLOT,
            market=market.name,
            slots=", ".join(calendar.slots) or "—",
        )
    day = _day_label(exc.params["day"])
    if exc.code == SlotErrorCode.SLOT_PAST:
        return DomainError(MarketErrorCode.PICKUP_SLOT_PAST, slot=exc.params["slot"], day=day)
    if exc.code == SlotErrorCode.TOO_FAR_AHEAD:
        return DomainError(
            MarketErrorCode.PICKUP_DATE_TOO_FAR, market=market.name, days=exc.params["days"]
        )
    return DomainError(MarketErrorCode.MARKET_CLOSED_THAT_DAY, market=market.name, day=day)


def _slot_full(market: Market, day: date, slot: str) -> DomainError:
    return DomainError(
        MarketErrorCode.PICKUP_SLOT_FULL, slot=slot, day=_day_label(day), market=market.name
    )


def _known_slot(market: Market, calendar: Calendar, text: str) -> str:
    """The slot's canonical label («9:00-11:00» -> «09:00-11:00») if the market has it."""
    try:
        label = parse_slot(text).label
    except SlotError:
        label = None
    if label not in calendar.slots:
        raise _slot_refused(market, calendar, SlotError(SlotErrorCode.UNKNOWN_SLOT, slot=text))
    return label


def choose_pickup(info: CheckoutInfo, slot: str, day: date | None) -> tuple[date, str]:
    """The day and slot of a pickup, checked against the market's calendar (not yet held).

    Without a day: the first day the slot can still be chosen (today if it has not started).
    """
    market, calendar, now = info.market, info.calendar, info.now
    label = _known_slot(market, calendar, slot)
    if day is None:
        day = calendar.first_day(label, now, selectors.pickup_taken(market, calendar, now))
        if day is None:
            raise DomainError(
                MarketErrorCode.PICKUP_SLOT_UNAVAILABLE, slot=label, market=market.name
            )
        return day, label
    try:
        calendar.check(day, label, now)
    except SlotError as exc:
        raise _slot_refused(market, calendar, exc) from None
    taken = selectors.pickup_taken(market, calendar, now).get((day, label), 0)
    if calendar.places_left(taken) == 0:
        raise _slot_full(market, day, label)
    return day, label


def hold_pickup_place(market: Market, day: date, slot: str) -> None:
    """Refuse the order (inside the checkout transaction) if its pickup slot is now full.

    The order row is already in; the market row is then locked so that checkouts competing for
    the same market's places count one after the other (PostgreSQL: FOR NO KEY UPDATE, which
    does not conflict with the key-share lock the order's foreign key holds). The count
    includes this order.
    """
    if market.pickup_slot_capacity is None:
        return
    capacity = (
        Market.objects.select_for_update(no_key=True)
        .filter(pk=market.pk)
        .values_list("pickup_slot_capacity", flat=True)
        .get()
    )
    if capacity is None:
        return
    taken = selectors.pickup_orders(market, day, slot).count()
    if taken > capacity:
        raise _slot_full(market, day, slot)
