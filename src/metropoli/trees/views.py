"""Pages of the tree module: the map with its list, one tree, and the capture app."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from metropoli.territory.selectors import active_municipalities

from . import filters as tree_filters
from . import selectors
from .models import Condition, Phenology, SiteType, ValidationState

LIST_PAGE_SIZE = 25
# The colour of a tree's dot on the map, by condition (trees/map.js reads them from the legend).
CONDITION_COLOURS = {
    Condition.GOOD: "#1b7f3b",
    Condition.FAIR: "#c49000",
    Condition.POOR: "#d35400",
    Condition.DEAD: "#5d4037",
    Condition.UNKNOWN: "#546e7a",
}


@require_GET
def map_page(request):
    filter_error = None
    try:
        filters = tree_filters.parse(request.GET)
    except ValidationError as error:
        filter_error = " ".join(error.messages)
        filters = tree_filters.parse({})
    trees = selectors.trees_for_listing(filters)
    page = Paginator(trees, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    query = filters.query_string()
    return render(
        request,
        "trees/map.html",
        {
            "page": page,
            "filters": filters.codes,
            "filter_error": filter_error,
            "query": query,
            "municipalities": active_municipalities(),
            "species_choices": selectors.species_catalogue().filter(is_local=True),
            "conditions": Condition.choices,
            "condition_legend": [(c.value, c.label, CONDITION_COLOURS[c]) for c in Condition],
            "validation_states": ValidationState.choices,
            "export_csv": reverse("api:export_trees") + f"?format=csv&{query}",
            "export_geojson": reverse("api:export_trees") + f"?format=geojson&{query}",
            "i18n_strings": _map_strings(),
            "tiles_version": selectors.tiles_version(),
        },
    )


def _map_strings() -> dict:
    return {
        "trees_in_view": _("Trees in view"),
        "count_one": _("%(count)s tree"),
        "count_many": _("%(count)s trees"),
        "more": _("Showing the %(shown)s most recent; zoom in or filter to see the rest."),
        "none": _("No trees match these filters yet."),
        "close": _("Close"),
        "open_page": _("Open the page of this tree"),
        "dbh": _("Trunk diameter"),
        "height": _("Height"),
        "condition": _("Condition"),
        "validation": _("Validation"),
        "municipality": _("Municipality"),
        "recorded": _("Recorded"),
        "photo_of": _("Photo of the tree"),
        "no_photo": _("No photo yet."),
        "cell": _("%(count)s trees here. Zoom in to see them."),
    }


@require_GET
def tree_page(request, tree_id: int):
    tree = selectors.tree_detail(tree_id)
    history = selectors.visible_tree_history(request.user, tree_id)
    if tree is None and history is None:
        raise Http404
    if tree is None:  # removed: its history, for the staff who look after its municipality
        return render(request, "trees/removed_tree.html", {"tree_id": tree_id, "history": history})
    location = tree.site.location
    return render(
        request,
        "trees/tree.html",
        {"tree": tree, "history": history, "tree_map_center": f"{location.x:.6f},{location.y:.6f}"},
    )


@require_GET
def capture_page(request):
    # The whole catalogue travels with the page so that species search works without signal.
    catalogue = [
        {
            "code": s.code,
            "name": s.common_name_es or s.common_name_en or s.scientific_name,
            "scientific": s.scientific_name,
            "other": s.other_names_es,
            "local": s.is_local,
        }
        for s in selectors.species_catalogue()
    ]
    return render(
        request,
        "trees/capture.html",
        {
            "catalogue": catalogue,
            "conditions": Condition.choices,
            "phenologies": Phenology.choices,
            "site_types": SiteType.choices,
            "capture_strings": _capture_strings(),
        },
    )


def _capture_strings() -> dict:
    return {
        "accuracy": _("GPS accuracy: ±%(metres)s m"),
        "locating": _("Looking for your position…"),
        "no_gps": _(
            "Your position is not available: %(reason)s. Drag the pin or type the coordinates."
        ),
        "chosen": _("Chosen: %(name)s"),
        "unknown": _("I don't know"),
        "need_location": _("Give the location of the tree (button, pin or coordinates)."),
        "need_species": _("Choose a species, or tick “I don't know the species”."),
        "bad_dbh": _("The trunk diameter must be more than 0 and at most 1,000 cm."),
        "photo_too_big": _("The photo is larger than %(mb)s MB."),
        "duplicate": _(
            "There is already a tree %(distance)s m away: %(name)s. Is it the same one?"
        ),
        "saved_offline": _("Saved on this phone. It will be sent when there is signal."),
        "sending": _("Sending…"),
        "sent": _("Tree sent. Thank you!"),
        "see_it": _("See it"),
        "queue_empty": _("Nothing waiting: every tree has been sent."),
        "queue_count_one": _("%(count)s tree waiting to be sent."),
        "queue_count_many": _("%(count)s trees waiting to be sent."),
        "waiting": _("waiting for signal"),
        "tree_sent_photo_waiting": _("tree sent, photo waiting"),
        "problem": _("not accepted"),
        "discard": _("Discard"),
        "login": _("Log in to send the trees saved on this phone."),
        "photo_refused": _("The tree was saved but its photo was refused: %(reason)s"),
        "offline": _("No signal right now."),
    }
