"""The production cache: Redis, and the database's cache table while Redis does not answer
(decision 0106).

The cache holds rate-limit counts (log-in guesses, sign-ups, photos a day, anonymous writes) and
a few short-lived read caches. With Redis as the only cache, a Redis restart or a full disk made
every rate-limited write answer 503: nobody could log in, sign up or capture a tree while the
rest of the platform was fine. Losing a cache is a reason to be slower, not to stop.

`RedisWithFallback` sends each call to Redis; when Redis refuses the connection or does not
answer in time, the call is made on the database cache instead, and this process keeps using
the database for RETRY_SECONDS before it tries Redis again (so a Redis that hangs costs one
timeout per process and period, not one per request). Counts made during the outage live in the
database, so limits keep holding on every app server while Redis is away; at the switch, in
either direction, a count starts again from what that store holds (at most one extra limit's
worth, once).
"""

import logging
import time

import redis
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

log = logging.getLogger(__name__)

REDIS_ERRORS = (redis.ConnectionError, redis.TimeoutError)
RETRY_SECONDS = 15.0


class RedisWithFallback(BaseCache):
    """OPTIONS: PRIMARY and FALLBACK name two other caches in CACHES (a RedisCache and a
    DatabaseCache)."""

    def __init__(self, location, params):
        options = dict(params.get("OPTIONS") or {})
        self._primary_alias = options.pop("PRIMARY")
        self._fallback_alias = options.pop("FALLBACK")
        super().__init__({**params, "OPTIONS": options})
        self._down_until = 0.0

    def _clock(self) -> float:
        return time.monotonic()

    @property
    def using_fallback(self) -> bool:
        return self._clock() < self._down_until

    def _call(self, name: str, *args, **kwargs):
        if not self.using_fallback:
            try:
                result = getattr(caches[self._primary_alias], name)(*args, **kwargs)
            except REDIS_ERRORS as error:
                if not self._down_until:
                    log.warning(
                        "cache: Redis does not answer (%s); using the database's cache table",
                        error.__class__.__name__,
                    )
                self._down_until = self._clock() + RETRY_SECONDS
            else:
                if self._down_until:
                    log.warning("cache: Redis answers again")
                    self._down_until = 0.0
                return result
        return getattr(caches[self._fallback_alias], name)(*args, **kwargs)

    def redis_answers(self) -> bool:
        """Whether Redis answers now (for /healthz), whatever this process is using."""
        try:
            caches[self._primary_alias].has_key("healthz")
        except REDIS_ERRORS:
            return False
        return True

    # BaseCache's API, each call forwarded as it is.
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        return self._call("clear")
