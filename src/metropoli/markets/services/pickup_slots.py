"""The pickup day and slot of a checkout: chosen against the market's calendar, then held.

A slot is first checked against the places taken when the checkout starts (`choose_pickup`);
the place is held inside the checkout's transaction, after the order row is in
(`hold_pickup_place`, docs/decisions/0030-markets-pickup-capacity.md).
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from metropoli.common.errors import ApiError

from .. import selectors
from ..models import Market, pickup_day_label
from ..pickup import Calendar, SlotError, parse_slot
from .fetch import CheckoutInfo


def _slot_refused(market: Market, calendar: Calendar, exc: SlotError) -> ApiError:
    if exc.code in ("unknown_slot", "invalid_choice"):
        return ApiError(
            400,
            "invalid_pickup_slot",
            _("Choose one of the pickup slots of %(market)s: %(slots)s.")
            % {"market": market.name, "slots": ", ".join(calendar.slots) or "—"},
        )
    day = pickup_day_label(exc.params["day"])
    if exc.code == "slot_past":
        return ApiError(
            400,
            "pickup_slot_past",
            _("The %(slot)s slot of %(day)s has already started; choose a later one.")
            % {"slot": exc.params["slot"], "day": day},
        )
    if exc.code == "too_far_ahead":
        return ApiError(
            400,
            "pickup_date_too_far",
            _("%(market)s takes pickup orders up to %(days)s days ahead; choose an earlier day.")
            % {"market": market.name, "days": exc.params["days"]},
        )
    return ApiError(
        400,
        "market_closed_that_day",
        _("%(market)s does not open on %(day)s; choose another day.")
        % {"market": market.name, "day": day},
    )


def _slot_full(market: Market, day: date, slot: str) -> ApiError:
    return ApiError(
        409,
        "pickup_slot_full",
        _("The %(slot)s slot of %(day)s is full at %(market)s; choose another slot or day.")
        % {"slot": slot, "day": pickup_day_label(day), "market": market.name},
    )


def _known_slot(market: Market, calendar: Calendar, text: str) -> str:
    """The slot's canonical label («9:00-11:00» -> «09:00-11:00») if the market has it."""
    try:
        label = parse_slot(text).label
    except SlotError:
        label = None
    if label not in calendar.slots:
        raise _slot_refused(market, calendar, SlotError("unknown_slot", slot=text))
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
            raise ApiError(
                409,
                "pickup_slot_unavailable",
                _(
                    "The %(slot)s slot is full or closed on every day %(market)s takes pickup "
                    "orders for; choose another slot."
                )
                % {"slot": label, "market": market.name},
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
