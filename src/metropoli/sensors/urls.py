from django.urls import path

from . import archive_views, views

app_name = "sensors"
urlpatterns = [
    path("", views.sensor_map, name="map"),
    # The archive in sensor.community's layout (sensors/archive.py), before the sensor pages.
    path("archivo/", archive_views.archive_index, name="archive"),
    path("archivo/<str:day>/", archive_views.archive_day, name="archive-day"),
    path("archivo/<str:day>/<str:name>", archive_views.archive_file, name="archive-file"),
    path("registrar/", views.register, name="register"),
    path("<str:sensor_id>/", views.detail, name="detail"),
    path("<str:sensor_id>/configuracion/", views.setup, name="setup"),
    path("<str:sensor_id>/lecturas.csv", views.readings_csv, name="csv"),
]
