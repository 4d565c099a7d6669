from django.urls import path

from . import setup_views, shop_views, views

app_name = "markets"
urlpatterns = [
    path("", views.home, name="home"),
    path("seleccion", views.selection_view, name="selection"),
    path("seleccion/grafica.svg", views.selection_chart, name="selection_chart"),
    path("puesto/", views.vendor_home, name="vendor"),
    path("puesto/<int:stall_id>/", views.stall_dashboard, name="stall_dashboard"),
    path(
        "puesto/<int:stall_id>/producto/<int:product_id>/foto/",
        views.product_photo,
        name="product_photo",
    ),
    path("puesto/pedido/<int:part_id>/<str:action>/", views.part_action, name="part_action"),
    path("repartidor/", views.courier_home, name="courier"),
    path(
        "repartidor/<int:courier_id>/<uuid:public_id>/<str:action>/",
        views.courier_action,
        name="courier_action",
    ),
    path("buscar/", shop_views.search, name="search"),
    path("gestion/", setup_views.manage_home, name="manage"),
    path("nuevo/", setup_views.market_create, name="market_create"),
    path("avisos/", views.notifications, name="notifications"),
    path("pedido/<uuid:key>/", views.order_detail, name="order"),
    path("pedido/<uuid:key>/cancelar/", views.order_cancel, name="order_cancel"),
    path("<slug:slug>/", views.market_detail, name="market"),
    path("<slug:slug>/agregar/", shop_views.cart_add, name="cart_add"),
    path("<slug:slug>/carrito/", shop_views.cart_view, name="cart"),
    path("<slug:slug>/carrito/cambiar/", shop_views.cart_update, name="cart_update"),
    path("<slug:slug>/pagar/", views.checkout, name="checkout"),
    path("<slug:slug>/administracion/", views.market_admin, name="market_admin"),
    path("<slug:slug>/administracion/foto/", views.market_photo, name="market_photo"),
    path("<slug:slug>/configurar/", setup_views.market_setup, name="setup"),
    path("<slug:slug>/configurar/puestos/", setup_views.stall_add, name="setup_stall_add"),
    path("<slug:slug>/configurar/personal/", setup_views.staff_add, name="setup_staff_add"),
    path(
        "<slug:slug>/configurar/personal/quitar/",
        setup_views.staff_remove,
        name="setup_staff_remove",
    ),
    path(
        "<slug:slug>/configurar/puesto/<int:stall_id>/",
        setup_views.stall_setup,
        name="setup_stall",
    ),
    path(
        "<slug:slug>/configurar/puesto/<int:stall_id>/personas/",
        setup_views.stall_person_add,
        name="setup_stall_person",
    ),
    path(
        "<slug:slug>/configurar/puesto/<int:stall_id>/personas/quitar/",
        setup_views.stall_person_remove,
        name="setup_stall_person_remove",
    ),
    path(
        "<slug:slug>/configurar/puesto/<int:stall_id>/productos/",
        setup_views.product_add,
        name="setup_product_add",
    ),
    path(
        "<slug:slug>/configurar/puesto/<int:stall_id>/producto/<int:product_id>/",
        setup_views.product_edit,
        name="setup_product",
    ),
    path(
        "<slug:slug>/administracion/parte/<int:part_id>/<str:action>/",
        setup_views.act_for_stall,
        name="act_for_stall",
    ),
]
