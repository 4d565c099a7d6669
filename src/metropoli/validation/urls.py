from django.urls import path

from . import views, work_order_views

app_name = "validation"
urlpatterns = [
    path("", views.treender, name="treender"),
    path("arboles/<int:tree_id>/voto/", views.vote_form, name="vote"),
    path("mis-registros/", views.my_records, name="my_records"),
    path("cola/", views.work_queue, name="work_queue"),
    path("cola.csv", views.work_queue_csv, name="work_queue_csv"),
    path("cola/<int:item_id>/estado/", views.work_status, name="work_status"),
    path("cola/<int:item_id>/", work_order_views.work_order, name="work_order"),
    path("cola/<int:item_id>/plan/", work_order_views.work_order_plan, name="work_order_plan"),
    path("cola/<int:item_id>/riesgo/", work_order_views.work_order_risk, name="work_order_risk"),
    path(
        "cola/<int:item_id>/estado/nota/",
        work_order_views.work_order_status,
        name="work_order_status",
    ),
    path("tablero/", views.dashboard, name="dashboard"),
    path("reglas/<str:code>/", views.policy, name="policy"),
]
