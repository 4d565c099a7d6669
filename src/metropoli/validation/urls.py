from django.urls import path

from . import views

app_name = "validation"
urlpatterns = [
    path("", views.treender, name="treender"),
    path("arboles/<int:tree_id>/voto/", views.vote_form, name="vote"),
    path("mis-registros/", views.my_records, name="my_records"),
    path("cola/", views.work_queue, name="work_queue"),
    path("cola.csv", views.work_queue_csv, name="work_queue_csv"),
    path("cola/<int:item_id>/estado/", views.work_status, name="work_status"),
    path("tablero/", views.dashboard, name="dashboard"),
]
