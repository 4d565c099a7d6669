"""The pure pickup rules: slot texts, which days and slots can be chosen, capacity."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metropoli.markets.pickup import (
    Calendar,
    SlotError,
    canonical_slots,
    choice_value,
    parse_choice,
    parse_slot,
)

# Tuesday 10 June 2025, 10:30 in the market's time.
NOW = datetime(2025, 6, 10, 10, 30)
TUESDAY = date(2025, 6, 10)
SLOTS = ["09:00-11:00", "11:00-13:00"]


def code(call) -> str:
    with pytest.raises(SlotError) as info:
        call()
    return info.value.code


def test_slot_texts_are_parsed_and_normalised():
    assert parse_slot("9:00 - 11:30").label == "09:00-11:30"
    assert parse_slot("18:00-24:00").label == "18:00-24:00"
    for bad in ["", "9-11", "11:00-09:00", "10:00-10:00", "25:00-26:00", "09:60-11:00", None]:
        assert code(lambda bad=bad: parse_slot(bad)) == "invalid_slot"
    assert canonical_slots(["11:00-13:00", "9:00-11:00"]) == SLOTS
    assert code(lambda: canonical_slots(["09:00-11:00", "9:00-11:00"])) == "duplicate_slot"


def test_choices_carry_the_day():
    assert parse_choice(choice_value(TUESDAY, "09:00-11:00")) == (TUESDAY, "09:00-11:00")
    assert parse_choice("09:00-11:00") == (None, "09:00-11:00")
    assert code(lambda: parse_choice("2025-02-30 09:00-11:00")) == "invalid_choice"


def test_a_slot_can_be_chosen_today_only_before_it_starts():
    calendar = Calendar.of(SLOTS)
    assert calendar.check(TUESDAY, "11:00-13:00", NOW) == "11:00-13:00"
    assert code(lambda: calendar.check(TUESDAY, "09:00-11:00", NOW)) == "slot_past"
    assert code(lambda: calendar.check(TUESDAY - timedelta(days=1), "11:00-13:00", NOW)) == (
        "slot_past"
    )
    assert calendar.check(TUESDAY + timedelta(days=1), "9:00-11:00", NOW) == "09:00-11:00"


def test_horizon_opening_days_and_unknown_slots():
    # Closed on Wednesdays (2); bookable four days ahead.
    calendar = Calendar.of(SLOTS, weekdays=[0, 1, 3, 4, 5, 6], days_ahead=4)
    assert code(lambda: calendar.check(date(2025, 6, 11), "09:00-11:00", NOW)) == "closed_day"
    assert calendar.check(date(2025, 6, 14), "09:00-11:00", NOW) == "09:00-11:00"
    assert code(lambda: calendar.check(date(2025, 6, 15), "09:00-11:00", NOW)) == ("too_far_ahead")
    assert code(lambda: calendar.check(date(2025, 6, 12), "13:00-15:00", NOW)) == "unknown_slot"
    assert calendar.days(NOW) == [date(2025, 6, d) for d in (10, 12, 13, 14)]


def test_offers_leave_out_started_closed_and_full_slots():
    calendar = Calendar.of(SLOTS, weekdays=[1, 3], days_ahead=2, capacity=2)
    taken = {(TUESDAY, "11:00-13:00"): 1, (date(2025, 6, 12), "09:00-11:00"): 2}
    offers = [(o.day, o.label, o.places_left) for o in calendar.offers(NOW, taken)]
    assert offers == [
        (TUESDAY, "11:00-13:00", 1),
        (date(2025, 6, 12), "11:00-13:00", 2),
    ]
    assert calendar.first_day("09:00-11:00", NOW, taken) is None
    assert calendar.first_day("11:00-13:00", NOW, {(TUESDAY, "11:00-13:00"): 2}) == date(
        2025, 6, 12
    )
    # Without capacity nothing is ever full.
    assert Calendar.of(SLOTS).offers(NOW, {})[0].places_left is None


def test_slots_written_before_validation_are_not_offered():
    calendar = Calendar.of(["por la mañana", "11:00-13:00"])
    assert calendar.slots == ("11:00-13:00",)


@settings(max_examples=60, deadline=None)
@given(
    now=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),
    weekdays=st.sets(st.integers(0, 6)),
    days_ahead=st.integers(0, 10),
    capacity=st.one_of(st.none(), st.integers(1, 3)),
    taken=st.integers(0, 4),
)
def test_every_offer_passes_the_check_and_has_room(now, weekdays, days_ahead, capacity, taken):
    calendar = Calendar.of(["07:00-09:00", "12:30-14:00", "20:00-24:00"], weekdays, days_ahead)
    calendar = Calendar(calendar.slots, calendar.weekdays, calendar.days_ahead, capacity)
    counts = {(now.date(), "20:00-24:00"): taken}
    for offer in calendar.offers(now, counts):
        assert calendar.check(offer.day, offer.label, now) == offer.label
        assert offer.places_left is None or offer.places_left > 0
        assert now.date() <= offer.day <= now.date() + timedelta(days=days_ahead)
