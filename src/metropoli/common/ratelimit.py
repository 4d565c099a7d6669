"""Fixed-window rate limits kept in the shared cache (so they hold across worker processes)."""

import functools
import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_address(request: HttpRequest) -> str:
    # Behind the reverse proxy, the production settings trust X-Forwarded-For's first hop.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() if forwarded else "") or request.META.get(
        "REMOTE_ADDR", "unknown"
    )


def hit(scope: str, key: str, *, limit: int, window: int) -> bool:
    """Count one event; return False when the limit for this window is exceeded."""
    bucket = int(time.time() // window)
    digest = hashlib.sha256(f"{scope}:{key}:{bucket}".encode()).hexdigest()[:32]
    cache_key = f"rl:{digest}"
    if cache.add(cache_key, 1, timeout=window + 5):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, timeout=window + 5)
        count = 1
    return count <= limit


def anonymous_over_limit(request: HttpRequest, scope: str, *, limit: int, window: int) -> bool:
    """Count a write by someone not signed in; True once they are past `limit` per `window`
    seconds from their address. Signed-in people are not counted here; 0 is no limit."""
    if request.user.is_authenticated or not limit:
        return False
    return not hit(scope, client_address(request), limit=limit, window=window)


def limit_anonymous_posts(scope: str, *, limit: int | str, window: int):
    """Decorator for views: anonymous POSTs beyond `limit` per `window` seconds get 429.

    `limit` is a number or the name of a setting (read at each request; 0 is no limit).
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            allowed = getattr(settings, limit) if isinstance(limit, str) else limit
            if request.method == "POST" and anonymous_over_limit(
                request, scope, limit=allowed, window=window
            ):
                message = _("Too many attempts. Please wait a few minutes and try again.")
                if request.headers.get("Accept", "").startswith("application/json"):
                    return JsonResponse({"code": "rate_limited", "message": message}, status=429)
                return render(request, "web/error.html", {"message": message}, status=429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
