from django.urls import path

from . import setup_views, template_views, views

app_name = "participation"
urlpatterns = [
    path("", views.home, name="home"),
    path("privacidad/", views.privacy, name="privacy"),
    path("privacidad/completo/", views.privacy_full, name="privacy-full"),
    path("mis-aportaciones/", views.mine, name="mine"),
    path("gestion/", setup_views.setup_list, name="setup-list"),
    path("gestion/nueva/", setup_views.setup_new, name="setup-new"),
    path("plantillas/", template_views.template_list, name="templates"),
    path("plantillas/<int:pk>/", template_views.template_edit, name="template"),
    path("mesa/sw.js", views.table_service_worker, name="table-sw"),
    path("mesa/<slug:slug>/", views.table, name="table"),
    path("<slug:slug>/", views.proceeding_page, name="proceeding"),
    path("<slug:slug>/aportaciones/<int:pk>/", views.contribution_page, name="contribution"),
    path("<slug:slug>/configurar/", setup_views.setup_edit, name="setup"),
    path("<slug:slug>/moderacion/", views.moderation, name="moderation"),
    path("<slug:slug>/analisis/", views.analysis, name="analysis"),
]
