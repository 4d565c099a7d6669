"""Dated pickup slots: which days and time slots a shopper may choose (pure: no Django).

A market lists its slots as "HH:MM-HH:MM" texts, the weekdays it opens and how many days ahead
shoppers may book. A slot can be chosen on an opening day from today up to that horizon (today
only while it has not started), and an optional capacity limits the orders per slot and day.
Times are the market's local wall-clock time; callers pass "now" as a naive local datetime.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from metropoli.common.errors import DomainError, ErrorCode, Kind
from metropoli.common.i18n import gettext_noop

# Monday = 0 … Sunday = 6, as ``date.weekday()``.
WEEKDAYS = tuple(range(7))
MAX_DAYS_AHEAD = 30
_SLOT = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_CHOICE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s+(\S.*)$")


class SlotErrorCode(ErrorCode):
    """Why a slot or a choice is refused; the params of each raise name the facts."""

    INVALID_SLOT = (
        "invalid_slot",
        Kind.INVALID,
        gettext_noop("«%(slot)s» is not a slot: write it as HH:MM-HH:MM."),
    )
    DUPLICATE_SLOT = (
        "duplicate_slot",
        Kind.INVALID,
        gettext_noop("The slot %(slot)s appears twice."),
    )
    UNKNOWN_SLOT = "unknown_slot", Kind.INVALID, gettext_noop("There is no pickup slot %(slot)s.")
    SLOT_PAST = "slot_past", Kind.INVALID, gettext_noop("The %(slot)s slot has already started.")
    TOO_FAR_AHEAD = (
        "too_far_ahead",
        Kind.INVALID,
        gettext_noop("Pickup can be chosen up to %(days)s days ahead."),
    )
    CLOSED_DAY = "closed_day", Kind.INVALID, gettext_noop("The market does not open that day.")
    INVALID_CHOICE = (
        "invalid_choice",
        Kind.INVALID,
        gettext_noop("Choose a pickup day and time from the list."),
    )


class SlotError(DomainError, ValueError):
    """A refused slot or choice: a `SlotErrorCode` and, in ``params``, the facts."""


@dataclass(frozen=True, order=True)
class Slot:
    start: time
    end: time

    @property
    def label(self) -> str:
        end = "24:00" if self.end == time.max else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"


def parse_slot(text: str) -> Slot:
    """«9:00-11:00» -> Slot(09:00, 11:00); the end may be 24:00 (midnight)."""
    match = _SLOT.match(text or "") if isinstance(text, str) else None
    if match is None:
        raise SlotError(SlotErrorCode.INVALID_SLOT, slot=text)
    start_h, start_m, end_h, end_m = (int(part) for part in match.groups())
    if start_h > 23 or start_m > 59 or end_m > 59 or end_h > 24 or (end_h == 24 and end_m):
        raise SlotError(SlotErrorCode.INVALID_SLOT, slot=text)
    start = time(start_h, start_m)
    end = time.max if end_h == 24 else time(end_h, end_m)
    if end <= start:
        raise SlotError(SlotErrorCode.INVALID_SLOT, slot=text)
    return Slot(start, end)


def canonical_slots(texts: Iterable[str]) -> list[str]:
    """Validate a market's slot list (for the admin); returns the labels sorted by start."""
    slots = [parse_slot(text) for text in texts]
    labels = [slot.label for slot in sorted(slots)]
    for first, second in zip(labels, labels[1:], strict=False):
        if first == second:
            raise SlotError(SlotErrorCode.DUPLICATE_SLOT, slot=first)
    return labels


def parse_choice(value: str) -> tuple[date | None, str]:
    """«2025-06-10 09:00-11:00» -> (day, slot label); a bare slot «09:00-11:00» -> (None, slot)."""
    value = (value or "").strip()
    match = _CHOICE.match(value)
    if match is None:
        return None, value
    try:
        return date.fromisoformat(match.group(1)), match.group(2).strip()
    except ValueError:
        raise SlotError(SlotErrorCode.INVALID_CHOICE, value=value) from None


def choice_value(day: date, label: str) -> str:
    return f"{day.isoformat()} {label}"


@dataclass(frozen=True)
class Offer:
    day: date
    label: str
    # None: the market sets no capacity.
    places_left: int | None

    @property
    def value(self) -> str:
        return choice_value(self.day, self.label)


@dataclass(frozen=True)
class Calendar:
    """A market's pickup rules."""

    slots: tuple[str, ...]
    weekdays: frozenset[int] = frozenset(WEEKDAYS)
    days_ahead: int = 7
    capacity: int | None = None

    @classmethod
    def of(
        cls,
        slots: Iterable[str],
        weekdays: Iterable[int] = WEEKDAYS,
        days_ahead: int = 7,
        capacity: int | None = None,
    ) -> Calendar:
        # Slots the market wrote before they were validated may not parse: they are not offered.
        labels = []
        for text in slots:
            try:
                labels.append(parse_slot(text).label)
            except SlotError:
                continue
        return cls(
            slots=tuple(sorted(set(labels))),
            weekdays=frozenset(int(day) for day in weekdays if int(day) in WEEKDAYS),
            days_ahead=max(0, min(int(days_ahead), MAX_DAYS_AHEAD)),
            capacity=capacity,
        )

    def days(self, now: datetime) -> list[date]:
        """Opening days from today up to the horizon."""
        today = now.date()
        candidates = (today + timedelta(days=offset) for offset in range(self.days_ahead + 1))
        return [day for day in candidates if day.weekday() in self.weekdays]

    def check(self, day: date, label: str, now: datetime) -> str:
        """The canonical slot label if (day, slot) may be chosen now; SlotError otherwise."""
        try:
            slot = parse_slot(label)
        except SlotError:
            raise SlotError(SlotErrorCode.UNKNOWN_SLOT, slot=label) from None
        label = slot.label
        if label not in self.slots:
            raise SlotError(SlotErrorCode.UNKNOWN_SLOT, slot=label)
        today = now.date()
        if day < today or (day == today and now.time() >= slot.start):
            raise SlotError(SlotErrorCode.SLOT_PAST, day=day, slot=label)
        if day > today + timedelta(days=self.days_ahead):
            raise SlotError(SlotErrorCode.TOO_FAR_AHEAD, day=day, days=self.days_ahead)
        if day.weekday() not in self.weekdays:
            raise SlotError(SlotErrorCode.CLOSED_DAY, day=day)
        return label

    def places_left(self, taken: int) -> int | None:
        return None if self.capacity is None else max(self.capacity - taken, 0)

    def offers(self, now: datetime, taken: Mapping[tuple[date, str], int]) -> list[Offer]:
        """Every (day, slot) still open to choose, in time order; full slots are left out."""
        offers = []
        for day in self.days(now):
            for label in self.slots:
                start = parse_slot(label).start
                if day == now.date() and now.time() >= start:
                    continue
                left = self.places_left(taken.get((day, label), 0))
                if left == 0:
                    continue
                offers.append(Offer(day, label, left))
        return sorted(offers, key=lambda offer: (offer.day, parse_slot(offer.label).start))

    def first_day(self, label: str, now: datetime, taken: Mapping[tuple[date, str], int]):
        """The earliest day the slot can still be chosen with a free place, or None."""
        for offer in self.offers(now, taken):
            if offer.label == label:
                return offer.day
        return None
