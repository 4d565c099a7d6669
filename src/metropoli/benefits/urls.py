from django.urls import path

from . import views

app_name = "benefits"
urlpatterns = [
    path("", views.summary, name="summary"),
    path("arbol/<int:tree_id>/", views.tree_card, name="tree_card"),
    path("ajustes/<str:code>/", views.settings_page, name="settings"),
    path("ajustes/<str:code>/especies/", views.override_add, name="override_add"),
    path(
        "ajustes/<str:code>/especies/<str:species_code>/quitar/",
        views.override_delete,
        name="override_delete",
    ),
]
