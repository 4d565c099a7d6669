from django.urls import path

from . import office_views, publisher_views, views

app_name = "cooperation"
urlpatterns = [
    path("", views.portfolio, name="home"),
    path("nuevo/", views.project_edit, name="project_create"),
    path("proyecto/<str:code>/", views.project_detail, name="project"),
    path("proyecto/<str:code>/editar/", views.project_edit, name="project_edit"),
    path("proyecto/<str:code>/montos/nuevo/", views.amount_add, name="amount_add"),
    path("proyecto/<str:code>/socios/nuevo/", views.participation_add, name="participation_add"),
    path("proyecto/<str:code>/hitos/nuevo/", views.milestone_add, name="milestone_add"),
    path("proyecto/<str:code>/instrumentos/nuevo/", views.instrument_add, name="instrument_add"),
    path("proyecto/<str:code>/resultados/nuevo/", views.result_add, name="result_add"),
    path("proyecto/<str:code>/documentos/nuevo/", views.document_add, name="document_add"),
    path("convocatorias/nueva/", views.opportunity_edit, name="opportunity_create"),
    path("convocatorias/<int:pk>/", views.opportunity_edit, name="opportunity_edit"),
    path("instrumentos/<int:pk>/archivo/", views.instrument_file, name="instrument_file"),
    path("cronograma/", views.timeline, name="timeline"),
    path("tablero/", views.dashboard, name="dashboard"),
    path("convocatorias/", views.opportunity_calendar, name="calendar"),
    path("oficina/", office_views.office, name="office"),
    path("oficina/<int:user_id>/quitar/", office_views.office_remove, name="office_remove"),
    path("redes-y-premios/", office_views.networks, name="networks"),
    path("redes-y-premios/redes/nueva/", office_views.network_edit, name="network_create"),
    path("redes-y-premios/redes/<int:pk>/", office_views.network_edit, name="network_edit"),
    path("redes-y-premios/premios/nuevo/", office_views.award_edit, name="award_create"),
    path("redes-y-premios/premios/<int:pk>/", office_views.award_edit, name="award_edit"),
    path("importar/", views.import_projects, name="import"),
    path("publicacion/", publisher_views.publisher_settings, name="publisher"),
    path("plantilla.xlsx", views.xlsx_template, name="xlsx_template"),
]
