"""The project's URLs plus /bench/baseline: a bare view that reads the body and answers 201.

The baseline shows what Django + gunicorn cost by themselves on the same server, so the bench
can print how much the ingestion adds.
"""

from django.http import HttpResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt
def baseline(request):
    request.read()
    return HttpResponse(b'{"ok": true}', status=201, content_type="application/json")


urlpatterns = [
    path("bench/baseline", baseline),
    path("", include("metropoli.config.urls")),
]
