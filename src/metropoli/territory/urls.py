from django.urls import path

from . import views

app_name = "territory"
urlpatterns = [
    # Platform administrators set up the municipalities here, not in the admin (decision 0112).
    # No word of five letters or digits but the codes: "agregar" and "limites" are never one.
    path("municipios/", views.municipality_list, name="municipalities"),
    path("municipios/agregar/", views.municipality_new, name="new_municipality"),
    path("municipios/limites/", views.boundary_upload, name="boundary_upload"),
    path("municipios/<str:code>/", views.municipality_edit, name="edit_municipality"),
]
