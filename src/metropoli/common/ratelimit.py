"""Rate limits kept in the shared cache (so they hold across worker processes), and the client's
address they count by.

The one style (docs/decisions/0088-one-api-edge-permissions-in-services.md): `enforce` counts an
event and raises `RateLimited` (a DomainError: 429 with Retry-After at every edge, API or page);
`limit_guests` and the `limit_anonymous_posts` decorator apply it to people not signed in;
`Attempts` to guesses at a secret. No app counts in the cache by itself.

The address is REMOTE_ADDR unless that peer is one of METROPOLI_TRUSTED_PROXIES; only then is
X-Forwarded-For read, from the right, up to the first address that is not a trusted proxy
(docs/decisions/0041-client-address-and-attempt-limits.md). A client cannot choose its own
address by sending the header. Limits count by `client_key`: the address, or for IPv6 its /64
network, which one subscriber (a phone, a home) is given whole and can rotate through at will
(docs/decisions/0102-ipv6-clients-counted-by-network.md).
"""

import contextlib
import functools
import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from .domain_errors import domain_error_response
from .errors import ApiError, CommonErrorCode, DomainError
from .i18n import gettext_noop

# --- the client's address -------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"METROPOLI_TRUSTED_PROXIES: {error} (write IP addresses or CIDR networks)"
        ) from error


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    if address is None:
        return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return any(address in network for network in networks)


def client_address(request: HttpRequest) -> str:
    """The address of whoever sent the request, as far as a trusted proxy vouches for it."""
    peer = request.META.get("REMOTE_ADDR", "") or "unknown"
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not networks or not _trusted(_address(peer), networks):
        return peer
    hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Our proxies write addresses; anything else came from the client: stop trusting.
            return peer
        if not _trusted(address, networks):
            return str(address)
    # Every hop is one of our proxies (or there is none): the furthest one we know of.
    return str(_address(hops[0])) if hops else peer


IPV6_PREFIX = 64


def client_key(request: HttpRequest) -> str:
    """Who the per-address limits count: the client's IPv4 address, or its IPv6 /64 network.

    A carrier or an ISP hands each subscriber at least a /64; the device picks addresses inside
    it freely (privacy extensions make a new one every day), so counting single IPv6 addresses
    would give one client 2**64 fresh counters. An IPv4-mapped address counts as its IPv4."""
    text = client_address(request)
    address = _address(text)
    if address is None:
        return text
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return str(address)


# --- counting --------------------------------------------------------------------------------


class RateLimited(DomainError):
    """Too many requests of one kind (429 at the edge, with Retry-After). ``message``: a more
    precise msgid than the code's own."""

    retry_after: int

    def __init__(self, message: str | None = None, *, retry_after: int = 60):
        super().__init__(CommonErrorCode.RATE_LIMITED, message or None, retry_after=retry_after)


def _now() -> float:
    return time.time()  # the one place the clock is read (tests move it)


SLICES = 15  # a window is counted in this many slices (decision 0100)


def _slice_key(scope: str, key: str, index: int) -> str:
    digest = hashlib.sha256(f"{scope}:{key}:{index}".encode()).hexdigest()[:32]
    return f"rl:{digest}"


def _count(scope: str, key: str, *, limit: int, window: int) -> tuple[str, bool, int]:
    """Count one event under `limit` per `window` seconds; return the cache key it was counted
    in, whether it went past the limit, and the seconds until one more event would fit.

    Decision 0100: the window is counted in SLICES slices of window / SLICES seconds, and an
    event is past the limit when the current slice and the SLICES before it hold more than
    `limit` events. Those slices cover the last `window` seconds and at most one slice more, so
    no span of `window` seconds ever holds more than `limit` counted events; one fixed bucket per
    window let twice the limit through across its edge (ten guesses at 14:59:59, ten more at
    15:00:00).
    """
    width = window / SLICES
    now = _now()
    index = int(now // width)
    keys = [_slice_key(scope, key, index - back) for back in range(SLICES, -1, -1)]
    current_key = keys[-1]
    if cache.add(current_key, 1, timeout=math.ceil(window + width) + 5):
        current = 1
    else:
        try:
            current = cache.incr(current_key)
        except ValueError:  # expired between add and incr
            cache.set(current_key, 1, timeout=math.ceil(window + width) + 5)
            current = 1
    stored = cache.get_many(keys[:-1])
    counts = [int(stored.get(k) or 0) for k in keys[:-1]] + [current]
    return current_key, sum(counts) > limit, _wait(counts, index, now, width, limit)


def _wait(counts: list[int], index: int, now: float, width: float, limit: int) -> int:
    """Seconds from now until one more event fits: the oldest slices leave the count one by one
    at each slice's edge. `counts` runs from the oldest slice to the current one (`index`)."""
    gone = 0
    while sum(counts[gone:]) + 1 > limit and gone < len(counts):  # limit >= 1: it ends
        gone += 1
    return max(0, math.ceil((index + gone) * width - now))


def enforce(scope: str, key: str, *, limit: int, window: int, message: str = "") -> None:
    """Count one event; raise RateLimited past `limit` per `window` seconds (0 is no limit)."""
    if not limit:
        return
    _key, over, wait = _count(scope, key, limit=limit, window=window)
    if over:
        raise RateLimited(message, retry_after=max(wait, 1))


class Attempts:
    """Guesses at a secret (a password, a PIN, a hand-over code), counted per target (the
    account, the table, the order) and per address.

    A guess is counted before it is checked, so that a burst of guesses sent at once meets the
    limit too; `right()` gives a right guess's counts back, so that only wrong guesses use the
    limits up and a person who knows the secret is not locked out by their own successes.
    Raises RateLimited when either limit is used up (0 is no limit).
    """

    def __init__(
        self,
        request: HttpRequest,
        scope: str,
        *,
        target: str,
        per_target: int,
        per_address: int,
        window: int,
        wrong: tuple[str, ...] = (),
    ):
        self.wrong = wrong
        self._taken: list[str] = []
        counters = (
            (f"target:{target}", per_target),
            (f"address:{client_key(request)}", per_address),
        )
        for key, allowed in counters:
            if not allowed:
                continue
            cache_key, over, wait = _count(scope, key, limit=allowed, window=window)
            self._taken.append(cache_key)
            if over:
                self.right()  # this guess is not checked: it uses nothing up
                raise RateLimited(retry_after=max(wait, 1))

    # As a context manager: the guess was wrong when the block raises a DomainError (or an
    # ApiError) whose code is in `wrong`; it was right (or never judged) otherwise.
    def __enter__(self) -> "Attempts":
        return self

    def __exit__(self, exc_type, exc, traceback) -> None:
        if not (isinstance(exc, DomainError | ApiError) and exc.code in self.wrong):
            self.right()

    def right(self) -> None:
        for cache_key in self._taken:
            with contextlib.suppress(ValueError):  # the window ended meanwhile
                cache.decr(cache_key)
        self._taken = []


# --- the edge --------------------------------------------------------------------------------


def limit_guests(request: HttpRequest, scope: str, *, limit: int, window: int) -> None:
    """Count a write by someone not signed in, by address; RateLimited past `limit` per
    `window` seconds. Signed-in people are not counted here; 0 is no limit."""
    if request.user.is_authenticated:
        return
    enforce(scope, client_key(request), limit=limit, window=window)


def limit_anonymous_posts(scope: str, *, limit: int | str, window: int):
    """Decorator for views: `limit_guests` on every POST (429 past the limit).

    `limit` is a number or the name of a setting (read at each request; 0 is no limit).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                allowed = getattr(settings, limit) if isinstance(limit, str) else limit
                try:
                    limit_guests(request, scope, limit=allowed, window=window)
                except RateLimited as limited:
                    return domain_error_response(request, limited)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def limit_photo_uploads(request: HttpRequest) -> None:
    """One more photo from this person (or, signed out, this address) today; RateLimited past
    METROPOLI_PHOTO_UPLOADS_PER_DAY. Trees, markets and Participa share the one count."""
    who = f"user:{request.user.pk}" if request.user.is_authenticated else client_key(request)
    enforce(
        "photo-uploads",
        who,
        limit=settings.PHOTO_UPLOADS_PER_DAY,
        window=24 * 3600,
        message=gettext_noop("You have sent many photos today. Please try again tomorrow."),
    )
