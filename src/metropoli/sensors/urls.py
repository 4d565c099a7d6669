from django.urls import path

from . import views

app_name = "sensors"
urlpatterns = [
    path("", views.sensor_map, name="map"),
    path("registrar/", views.register, name="register"),
    path("<str:sensor_id>/", views.detail, name="detail"),
    path("<str:sensor_id>/configuracion/", views.setup, name="setup"),
    path("<str:sensor_id>/lecturas.csv", views.readings_csv, name="csv"),
]
