from django.urls import path

from . import species_views, staff_views, views

app_name = "trees"
urlpatterns = [
    path("", views.map_page, name="home"),
    path("arboles/<int:tree_id>", views.tree_page, name="tree"),
    path("capturar", views.capture_page, name="capture"),
    # The species catalogue: public; adding and correcting for trees.change_species.
    path("especies/", species_views.catalogue, name="species"),
    path("especies/nueva", species_views.new_species, name="new_species"),
    path("especies/<str:species_code>/editar", species_views.edit_species, name="edit_species"),
    # The staff's pages (trees/staff_views.py).
    path("arboles/<int:tree_id>/editar", staff_views.edit_tree, name="edit"),
    path("arboles/<int:tree_id>/fotos", staff_views.add_photo, name="add_photo"),
    path(
        "arboles/<int:tree_id>/fotos/<int:photo_id>/quitar",
        staff_views.remove_photo,
        name="remove_photo",
    ),
    path("arboles/<int:tree_id>/eliminar", staff_views.remove_tree, name="remove"),
    path("sitios", staff_views.site_list, name="sites"),
    path("sitios/nuevo", staff_views.new_site, name="new_site"),
    path("sitios/<int:site_id>", staff_views.site_page, name="site"),
    path("sitios/<int:site_id>/editar", staff_views.edit_site, name="edit_site"),
    path("sitios/<int:site_id>/plantar", staff_views.plant_tree, name="plant"),
]
