"""The inventory import pages, under /arbol/importar (trees/import_views.py)."""

from django.urls import path

from . import import_views

app_name = "tree_imports"
urlpatterns = [
    path("", import_views.import_page, name="page"),
    path("<int:job_id>", import_views.import_detail, name="detail"),
    path("<int:job_id>/estado", import_views.import_status, name="status"),
    path("<int:job_id>/confirmar", import_views.import_confirm, name="confirm"),
]
