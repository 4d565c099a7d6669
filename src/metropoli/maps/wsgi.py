"""A short way through the WSGI server for tile requests.

A map screen asks for dozens of tiles at once and each cached tile costs less than the
middleware stack around it: tiles are public, read-only and carry no session, cookie or form,
so they skip the middleware (sessions, CSRF, messages, locale...). Everything else a Django
request gets still happens: the request signals (database connections are checked and
recycled as usual), host validation, the request's language for error messages, and Django's
own handling of exceptions.
"""

import re

from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.exception import response_for_exception
from django.core.handlers.wsgi import WSGIRequest, get_script_name
from django.http import HttpResponseBadRequest
from django.urls import set_script_prefix
from django.utils import translation

from . import views

TILE_PATH = re.compile(
    r"/tiles/(?P<layer>[-\w]+)/(?P<z>\d{1,2})/(?P<x>\d{1,8})/(?P<y>\d{1,8})\.pbf"
)


class TileShortcut:
    """Wraps Django's WSGI application; serves GET /tiles/... itself, passes the rest on."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        match = TILE_PATH.fullmatch(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") != "GET":
            return self.application(environ, start_response)
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        request = WSGIRequest(environ)
        try:
            request.get_host()  # ALLOWED_HOSTS, as CommonMiddleware would check it
        except DisallowedHost:
            response = HttpResponseBadRequest()
        else:
            values = match.groupdict()
            try:
                with translation.override(translation.get_language_from_request(request)):
                    response = views.tile(
                        request,
                        layer=values["layer"],
                        z=int(values["z"]),
                        x=int(values["x"]),
                        y=int(values["y"]),
                    )
            except Exception as error:  # noqa: BLE001 - Django's own 500/4xx handling
                response = response_for_exception(request, error)
        response["X-Content-Type-Options"] = "nosniff"
        response._resource_closers.append(request.close)
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return response
