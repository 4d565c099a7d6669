from django.urls import path

from . import views

app_name = "maps"
urlpatterns = [
    path("tiles/<slug:layer>/<int:z>/<int:x>/<int:y>.pbf", views.tile, name="tile"),
]
