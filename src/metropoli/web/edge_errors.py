"""The error pages nginx sends for errors it makes itself, in the person's language.

nginx answers some requests without asking the app: a body over `client_max_body_size` (413, a
phone's 20 MB photo), an address or headers too long (414, 494), a missing static or media
file (404), every app server down or too slow (502, 504). Its own pages are English, say
"nginx" and are HTML even to the API's clients. `write_pages` renders ours, once, into
STATIC_ROOT/errors/<language>/<status>.html and .json with the same template and messages as
the app's own errors (common/middleware.error_response); `collectstatic` writes them (web's
management command), and nginx's `error_page` serves the one for the request's language and
kind (scripts/stack.py, deploy/nginx/metropoli.conf).
Decision: docs/decisions/0104-edge-error-pages.md.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

from metropoli.common.middleware import STATUS_ERRORS, page_title

UNAVAILABLE = gettext_lazy("The service is temporarily unavailable. Please try again in a minute.")
# Status → (code, message): the errors nginx makes itself. nginx's 494 (headers too large) is
# answered as 431; 502 (no app server answers) and 504 (none answered in time) say "try again".
EDGE_ERRORS: dict[int, tuple[str, object]] = {
    400: STATUS_ERRORS[400],
    403: STATUS_ERRORS[403],
    404: STATUS_ERRORS[404],
    413: (
        "payload_too_large",
        gettext_lazy(
            "What you sent is too large (a photo may weigh up to 12 MB). Send a smaller file."
        ),
    ),
    414: ("uri_too_long", gettext_lazy("The address is too long.")),
    431: (
        "headers_too_large",
        gettext_lazy(
            "Your browser sent too much data with the request (cookies). Delete this site's "
            "cookies and try again."
        ),
    ),
    500: STATUS_ERRORS[500],
    502: ("service_unavailable", UNAVAILABLE),
    503: ("service_unavailable", UNAVAILABLE),
    504: ("service_unavailable", UNAVAILABLE),
}
FOLDER = "errors"


def write_pages(static_root: Path) -> list[Path]:
    """Every page of EDGE_ERRORS in every language of settings.LANGUAGES, as HTML and JSON."""
    written = []
    for language, _name in settings.LANGUAGES:
        folder = Path(static_root) / FOLDER / language
        folder.mkdir(parents=True, exist_ok=True)
        with translation.override(language):
            for status, (code, message) in EDGE_ERRORS.items():
                page = render_to_string(
                    "web/plain_error.html",
                    {
                        "language": language,
                        "title": page_title(status),
                        "message": str(message),
                        "platform_name": settings.METROPOLI["PLATFORM_NAME"],
                    },
                )
                body = json.dumps({"code": code, "message": str(message)}, ensure_ascii=False)
                for suffix, text in ((".html", page), (".json", body + "\n")):
                    path = folder / f"{status}{suffix}"
                    path.write_text(text, encoding="utf-8")
                    written.append(path)
    return written
