"""Content-Security-Policy on every response (docs/decisions/0042-content-security-policy.md).

Scripts and styles come from our own origin only: no inline script, event-handler attribute or
style attribute (a template that really needs an inline script gives it
`nonce="{{ request.csp_nonce }}"`, and the nonce then joins script-src for that response).
Images and fetches may also reach the map's background tiles (METROPOLI_BASEMAP_TILES);
MapLibre's workers may be blob: URLs. A view that shows content from another server adds its
origins with `allow()`.
"""

import functools
import secrets
from urllib.parse import urlsplit

from django.conf import settings

BASE_POLICY: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:", "blob:"),
    "connect-src": ("'self'",),
    "font-src": ("'self'",),
    "worker-src": ("'self'", "blob:"),
    "child-src": ("'self'", "blob:"),
    "manifest-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'self'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}


def origin(url: str) -> str:
    """The origin of a URL or URL template, for a source list: scheme and host (a `{s}`
    subdomain placeholder becomes `*`); "" when it has none (a path on our own server)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    host = parts.netloc.rsplit("@", 1)[-1]
    labels = ["*" if "{" in label else label for label in host.split(".")]
    if "*" in labels[1:]:
        return ""  # a placeholder deeper than the first label: no valid source expression
    return f"{parts.scheme}://{'.'.join(labels)}"


def allow(request, *, img: tuple[str, ...] = (), connect: tuple[str, ...] = ()) -> None:
    """Let this response's page load images and data from these URLs' origins."""
    extra = request.__dict__.setdefault("_csp_extra", {})
    for directive, urls in (("img-src", img), ("connect-src", connect)):
        extra.setdefault(directive, []).extend(filter(None, (origin(url) for url in urls)))


class Nonce:
    """A per-response nonce, made the first time a template asks for it."""

    def __init__(self):
        self.value = ""

    def __str__(self) -> str:
        if not self.value:
            self.value = secrets.token_urlsafe(18)
        return self.value


def policy(request) -> str:
    basemap = str(settings.METROPOLI.get("BASEMAP_TILES") or "")
    extra = getattr(request, "_csp_extra", None) or {}
    nonce = getattr(request, "csp_nonce", None)
    nonce_value = nonce.value if nonce is not None else ""
    if not extra and not nonce_value:
        return _common_policy(basemap)  # most answers: the same text every time
    return _policy(basemap, extra, nonce_value)


def _policy(basemap: str, extra: dict[str, list[str]], nonce: str) -> str:
    sources = {directive: list(values) for directive, values in BASE_POLICY.items()}
    basemap_origin = origin(basemap)
    if basemap_origin:
        sources["img-src"].append(basemap_origin)
        sources["connect-src"].append(basemap_origin)
    for directive, values in extra.items():
        sources[directive].extend(values)
    if nonce:
        sources["script-src"].append(f"'nonce-{nonce}'")
    return "; ".join(
        f"{directive} {' '.join(dict.fromkeys(values))}" for directive, values in sources.items()
    )


@functools.lru_cache(maxsize=8)
def _common_policy(basemap: str) -> str:
    return _policy(basemap, {}, "")


class ContentSecurityPolicyMiddleware:
    """Sets the header on every response that has none; templates read `request.csp_nonce`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = Nonce()
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy(request)
        return response
