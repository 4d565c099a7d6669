"""Rate limits count events in the shared cache over a sliding window (decision 0100): no span of
`window` seconds lets more than `limit` events through, however they fall against the clock,
and a refused client that waits the Retry-After it was given gets in."""

import uuid

import pytest
from django.test import RequestFactory
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from metropoli.common import ratelimit
from metropoli.common.ratelimit import Attempts, RateLimited, enforce

pytestmark = pytest.mark.django_db


class Clock:
    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(1_800_000_000.0)
    monkeypatch.setattr(ratelimit, "_now", clock)
    return clock


def attempt(scope: str, *, limit: int = 10, window: int = 900) -> int | None:
    """None when let through, else the Retry-After of the refusal."""
    try:
        enforce(scope, "198.51.100.7", limit=limit, window=window)
    except RateLimited as refused:
        return refused.retry_after
    return None


def test_a_burst_across_the_edge_of_a_quarter_hour_is_limited_like_any_other(clock):
    scope = uuid.uuid4().hex
    clock.now = 1_800_000_900.0 - 1  # one second before a quarter hour
    answers = [attempt(scope) for _ in range(5)]
    clock.now += 2  # one second after it
    answers += [attempt(scope) for _ in range(7)]
    assert answers[:10] == [None] * 10
    assert all(answers[10:]), answers  # the eleventh and twelfth are refused


def test_the_limit_is_back_once_a_window_has_passed(clock):
    scope = uuid.uuid4().hex
    assert [attempt(scope, limit=3, window=60) for _ in range(3)] == [None] * 3
    wait = attempt(scope, limit=3, window=60)
    assert wait is not None and 1 <= wait <= 60 + 60 / ratelimit.SLICES + 1
    clock.now += wait - 5
    assert attempt(scope, limit=3, window=60) is not None  # not yet
    clock.now += 5 + 60  # (that refusal counted too: a hammering client waits longer)
    assert attempt(scope, limit=3, window=60) is None


def test_scopes_and_keys_are_counted_apart(clock):
    one, other = uuid.uuid4().hex, uuid.uuid4().hex
    assert attempt(one, limit=1) is None
    assert attempt(one, limit=1) is not None
    assert attempt(other, limit=1) is None
    enforce(one, "203.0.113.1", limit=1, window=900)  # another address: its own count


def test_right_guesses_are_given_back_in_the_slice_they_were_counted_in(clock):
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.8")
    target = uuid.uuid4().hex
    for _ in range(30):  # a person who knows the secret, again and again, across slices
        Attempts(request, "pin", target=target, per_target=2, per_address=5, window=60).right()
        clock.now += 7
    Attempts(request, "pin", target=target, per_target=2, per_address=5, window=60)
    Attempts(request, "pin", target=target, per_target=2, per_address=5, window=60)
    with pytest.raises(RateLimited):
        Attempts(request, "pin", target=target, per_target=2, per_address=5, window=60)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    limit=st.integers(1, 6),
    window=st.sampled_from([60, 900, 3600]),
    steps=st.lists(
        st.one_of(
            st.floats(0, 1.5, allow_nan=False),  # a pause as a fraction of the window
            st.just("retry"),  # wait exactly the Retry-After of the last refusal
        ),
        min_size=1,
        max_size=40,
    ),
)
def test_no_window_ever_lets_more_than_the_limit_through(clock, limit, window, steps):
    scope = uuid.uuid4().hex
    clock.now = 1_800_000_000.0 + (hash(scope) % 7919) / 7.0  # anywhere against the buckets
    allowed: list[float] = []
    last_wait = None
    for step in steps:
        if step == "retry":
            if last_wait is None:
                continue
            clock.now += last_wait
            wait = attempt(scope, limit=limit, window=window)
            assert wait is None, "waiting the Retry-After it was given lets a client in"
        else:
            clock.now += step * window
            wait = attempt(scope, limit=limit, window=window)
        if wait is None:
            allowed.append(clock.now)
        last_wait = wait
    for start in allowed:
        inside = [t for t in allowed if start <= t < start + window]
        assert len(inside) <= limit, (start, inside)
