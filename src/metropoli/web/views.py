"""The shell: home page, health check, PWA manifest and service worker."""

import json
import sys

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connections
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from metropoli.common.cache import RedisWithFallback
from metropoli.common.middleware import (
    error_response,
    is_database_outage,
    outage_response,
    status_error,
    wants_json,
)
from metropoli.territory.selectors import active_municipalities

from .precache import precache


@require_GET
def home(request):
    return render(request, "web/home.html", {"municipalities": active_municipalities()})


@never_cache
@require_GET
def healthz(request):
    """200 when the database answers (with PostgreSQL's version), 503 when it does not. No
    personal data, no secrets. With Redis as the cache, also whether it answers: without it the
    platform works on the database's cache table (decision 0106), so it is "degraded", still 200."""
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version_num')::int")
            number = cursor.fetchone()[0]
    except DatabaseError as error:
        connection.close_if_unusable_or_obsolete()
        response = JsonResponse(
            {
                "status": "error",
                "database": {"status": "unreachable", "error": error.__class__.__name__},
            },
            status=503,
        )
        response["Retry-After"] = "10"
        return response
    answer = {
        "status": "ok",
        "database": {
            "status": "ok",
            "engine": "PostgreSQL",
            "version": f"{number // 10000}.{number % 10000}",  # 150004 -> "15.4"
        },
    }
    cache = caches["default"]
    if isinstance(cache, RedisWithFallback):
        if cache.redis_answers():
            answer["cache"] = {"status": "ok", "backend": "redis"}
        else:
            answer["status"] = "degraded"
            answer["cache"] = {"status": "unreachable", "backend": "database"}
    return JsonResponse(answer)


@require_GET
def manifest(request):
    data = {
        "name": settings.METROPOLI["PLATFORM_NAME"],
        "short_name": settings.METROPOLI["PLATFORM_NAME"],
        "description": _("Digital services of the metropolitan planning institute"),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1b5e20",
        "icons": [
            {"src": static("web/icons/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("web/icons/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("web/icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")


@require_GET
def service_worker(request):
    # Served from the site root so that its scope covers every page, with the list of what to
    # keep on install written in (web/precache.py): a new list is a new worker, which the
    # browser installs on its next visit.
    urls, version = precache()
    with open(finders.find("web/sw.js"), encoding="utf-8") as handle:
        script = handle.read()
    script = script.replace("const PRECACHE = [];", f"const PRECACHE = {json.dumps(urls)};", 1)
    script = script.replace('"metropoli-shell-dev"', json.dumps(f"metropoli-shell-{version}"), 1)
    response = HttpResponse(script, content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def offline(request):
    return render(request, "web/offline.html")


def server_error(request):
    """handler500: a database outage met outside a view (in the session or cache middleware)
    answers like one met inside (common/middleware.py); any other failure gets a plain page,
    or JSON under /api/. Neither needs the database."""
    error = sys.exc_info()[1]
    if is_database_outage(error):
        return outage_response(request, error)
    code, message = status_error(500)
    return error_response(request, 500, code, message)


# Django's own answers for these are English pages ("Not Found", "Bad Request (400)", "403
# Forbidden"), whatever the visitor's language: the project has no 400.html, 404.html or
# 403_csrf.html. They are answered as every other refusal is, in the request's language.
NOT_FOUND_MESSAGE = gettext_lazy(
    "This page does not exist, or what it showed is no longer here. Check the address."
)
CSRF_MESSAGE = gettext_lazy(
    "The form has expired or your browser did not send its security cookie. Go back, reload "
    "the page and try again."
)


def bad_request(request, exception=None):
    """handler400: a body Django cannot read (too many fields, too large, broken multipart)
    or a Host header it refuses. A body over DATA_UPLOAD_MAX_MEMORY_SIZE is what it is, 413."""
    status = 413 if isinstance(exception, RequestDataTooBig) else 400
    code, message = status_error(status)
    return error_response(request, status, code, message)


def page_not_found(request, exception=None):
    """handler404: an address that does not exist, or an object that is not there (or no
    longer). Http404's own text is not shown: Django's says "No Tree matches the given query."
    in English. JSON clients (the API) keep the API's own «Not found.»."""
    code, message = status_error(404)
    return error_response(request, 404, code, message if wants_json(request) else NOT_FOUND_MESSAGE)


def permission_denied(request, exception=None):
    """handler403: a page's PermissionDenied. Its message, when the view gave one, is already
    in the visitor's language ("Only municipal staff import inventories."); a bare one gets the
    general refusal. Django's own page was English ("403 Forbidden") and dropped the message."""
    code, message = status_error(403)
    given = str(exception) if exception is not None else ""
    return error_response(request, 403, code, given or message)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without (or with a stale) CSRF token."""
    return error_response(request, 403, "csrf_failed", CSRF_MESSAGE)
