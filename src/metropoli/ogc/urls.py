from django.urls import path

from . import views

# Included at the root (config/urls.py): QGIS asks for /ogc, without the slash, and does not
# follow a redirect.
app_name = "ogc"
urlpatterns = [
    path("ogc/", views.landing, name="landing"),
    path("ogc", views.landing, name="landing-without-slash"),
    path("ogc/conformance", views.conformance, name="conformance"),
    path("ogc/api", views.api_definition, name="api"),
    path("ogc/collections", views.collections, name="collections"),
    path("ogc/collections/<str:collection_id>", views.collection, name="collection"),
    path("ogc/collections/<str:collection_id>/schema", views.schema, name="schema"),
    path("ogc/collections/<str:collection_id>/items", views.items, name="items"),
    path(
        "ogc/collections/<str:collection_id>/download.<str:fmt>",
        views.download,
        name="download",
    ),
    path("ogc/collections/<str:collection_id>/items/<str:feature_id>", views.item, name="item"),
    # Beside the tiles it describes (maps serves /tiles/<layer>/{z}/{x}/{y}.pbf).
    path("tiles/<slug:layer>.json", views.tile_json, name="tilejson"),
]
