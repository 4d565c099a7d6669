"""Django's WSGI handler with a shorter middleware chain, chosen by path prefix.

Map tiles are anonymous, cookie-less GETs of binary data: sessions, authentication, CSRF,
messages, clickjacking, CSP, WhiteNoise and CommonMiddleware (our SlashMiddleware) do nothing for
them but cost about half of a rendered tile's time at low zooms. config/wsgi.py serves paths
under /tiles/ with a `ShorterChainHandler` built from MIDDLEWARE without
settings.TILE_MIDDLEWARE_SKIPPED, and every other path with Django's handler and the whole
MIDDLEWARE. Both are Django's own request cycle (signals, URL resolution, exception handling);
only the list of middleware differs, and a middleware added to MIDDLEWARE later reaches tiles
too unless it is named in the skipped list.
Decision: docs/decisions/0097-tiles-shorter-middleware-chain.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def without(middleware: Sequence[str], skipped: Iterable[str]) -> list[str]:
    """`middleware` in its order, less the `skipped` entries."""
    dropped = set(skipped)
    return [path for path in middleware if path not in dropped]


def tile_middleware() -> list[str]:
    """The chain tile requests pass: MIDDLEWARE less settings.TILE_MIDDLEWARE_SKIPPED."""
    return without(settings.MIDDLEWARE, getattr(settings, "TILE_MIDDLEWARE_SKIPPED", ()))


class ShorterChainHandler(WSGIHandler):
    """Django's WSGIHandler whose middleware chain is built from `middleware`, not MIDDLEWARE."""

    def __init__(self, middleware: Sequence[str]) -> None:
        self.middleware = list(middleware)
        super().__init__()

    def load_middleware(self, is_async: bool = False) -> None:
        # Django builds the chain from settings.MIDDLEWARE alone: this handler's list stands in
        # for it while the chain is built, once, when the process loads the application.
        saved = settings.MIDDLEWARE
        settings.MIDDLEWARE = self.middleware
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = saved


class ByPathPrefix:
    """A WSGI application that hands each request to the handler of its path's prefix."""

    def __init__(self, default: WSGIApp, by_prefix: Mapping[str, WSGIApp]) -> None:
        self.default = default
        self.by_prefix = tuple(by_prefix.items())

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]):
        path = environ.get("PATH_INFO", "")
        for prefix, handler in self.by_prefix:
            if path.startswith(prefix):
                return handler(environ, start_response)
        return self.default(environ, start_response)


def application() -> ByPathPrefix:
    """The site: tiles through their shorter chain, everything else through MIDDLEWARE."""
    return ByPathPrefix(WSGIHandler(), {"/tiles/": ShorterChainHandler(tile_middleware())})
