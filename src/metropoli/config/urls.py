from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from metropoli.common.observability import metrics

from .api import api

urlpatterns = [
    path("", include("metropoli.web.urls")),
    path("", include("metropoli.maps.urls")),
    path("cuentas/", include("metropoli.accounts.urls")),
    path("arbol/sensores/", include("metropoli.sensors.urls")),
    path("arbol/treender/", include("metropoli.validation.urls")),
    path("arbol/aprende/", include("metropoli.learning.urls")),
    path("arbol/beneficios/", include("metropoli.benefits.urls")),
    path("arbol/importar/", include("metropoli.trees.import_urls")),
    path("arbol/", include("metropoli.trees.urls")),
    path("mercado/", include("metropoli.markets.urls")),
    path("participa/", include("metropoli.participation.urls")),
    path("cooperacion/", include("metropoli.cooperation.urls")),
    path("territorio/", include("metropoli.territory.urls")),
    path("api/", api.urls),
    path("", include("metropoli.ogc.urls")),  # /ogc and /ogc/...
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Prometheus, for the scraper on the host only (common/observability.py).
    path("metrics", metrics, name="metrics"),
]
handler400 = "metropoli.web.views.bad_request"
handler403 = "metropoli.web.views.permission_denied"
handler404 = "metropoli.web.views.page_not_found"
handler500 = "metropoli.web.views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
