from django.urls import path

from . import views

app_name = "trees"
urlpatterns = [
    path("", views.map_page, name="home"),
    path("arboles/<int:tree_id>", views.tree_page, name="tree"),
    path("capturar", views.capture_page, name="capture"),
]
