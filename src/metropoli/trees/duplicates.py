"""Possible duplicates: the server's "already recorded within 2 m?" check of every capture, the
recorder's answer, and what validators are told (docs/decisions/0066-duplicates-after-sync.md).

The capture page asks before saving when it has signal; a capture made offline skipped that
question, so the server asks it again when the capture arrives, whatever the client did.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.common.api import require
from metropoli.common.history import ChangeAction, record_change
from metropoli.common.i18n import gettext_noop

from . import selectors, services
from .models import DuplicateSuspicion, Tree

RADIUS_M = 2.0


def register_capture(*, nearby_confirmed: bool = False, **values) -> services.Registered:
    """`services.register_tree`, then the 2 m check for a tree that was created (a replayed
    request finds its suspicion already stored). `nearby_confirmed`: the person already saw the
    tree nearby and said it is another one."""
    require(
        values["recorded_by"], "trees.add_tree", message=gettext_noop("Log in to record trees.")
    )
    registered = services.register_tree(**values)
    if registered.created:
        check(registered.tree, confirmed_by=values["recorded_by"] if nearby_confirmed else None)
    return registered


@transaction.atomic
def check(tree: Tree, *, confirmed_by=None) -> DuplicateSuspicion | None:
    """Store the nearest other tree within 2 m of this one, if any."""
    point = tree.site.location
    near = [
        n
        for n in selectors.trees_near(lon=point.x, lat=point.y, radius_m=RADIUS_M)
        if n.tree.pk != tree.pk
    ]
    if not near:
        return None
    answered = confirmed_by is not None
    suspicion, _created = DuplicateSuspicion.objects.update_or_create(
        tree=tree,
        defaults={
            "near_tree": near[0].tree,
            "distance_m": near[0].distance_m,
            "answer": DuplicateSuspicion.Answer.DISTINCT if answered else "",
            "answered_by": confirmed_by if answered else None,
            "answered_at": timezone.now() if answered else None,
        },
    )
    return suspicion


def suspicion_of(tree: Tree) -> DuplicateSuspicion | None:
    return (
        DuplicateSuspicion.objects.select_related("near_tree__species")
        .filter(tree_id=tree.pk)
        .first()
    )


@transaction.atomic
def answer(*, tree: Tree, same: bool, user) -> None:
    """The recorder's answer: the same tree (the capture is removed, its history says which
    tree it repeated) or another tree (kept; the answer is stored and in the history)."""
    require(
        user,
        "trees.delete_tree" if same else "trees.change_tree",
        tree,
        message=gettext_noop("You cannot change this tree."),
    )
    suspicion = DuplicateSuspicion.objects.select_for_update().filter(tree_id=tree.pk).first()
    if suspicion is None:
        return
    answer = "same" if same else DuplicateSuspicion.Answer.DISTINCT.value
    record_change(
        tree, user, ChangeAction.UPDATE, {"duplicate": (f"#{suspicion.near_tree_id}", answer)}
    )
    if same:
        services.delete_tree(tree=tree, deleted_by=user)
        return
    suspicion.answer = DuplicateSuspicion.Answer.DISTINCT
    suspicion.answered_by = user
    suspicion.answered_at = timezone.now()
    suspicion.save(update_fields=["answer", "answered_by", "answered_at"])


def pending_for(user) -> list[dict]:
    """The person's captures still waiting for their answer (the capture page asks again)."""
    if not getattr(user, "is_authenticated", False):
        return []
    rows = DuplicateSuspicion.objects.filter(tree__recorded_by=user, answer="").select_related(
        "tree__species", "near_tree__species"
    )
    return [describe(s) for s in rows.order_by("created_at")[:20]]


def _name(tree: Tree) -> str:
    if not tree.species_id:
        return _("Unknown species")
    return tree.species.common_name_es or tree.species.scientific_name


def describe(suspicion: DuplicateSuspicion) -> dict:
    return {
        "tree_id": suspicion.tree_id,
        "tree_name": _name(suspicion.tree),
        "near_id": suspicion.near_tree_id,
        "near_name": _name(suspicion.near_tree),
        "distance_m": round(suspicion.distance_m, 1),
        "answer": suspicion.answer,
    }


def note_for_validators(tree: Tree) -> str:
    """One sentence for the validation card, or "" when nothing suggests a duplicate."""
    suspicion = suspicion_of(tree)
    if suspicion is None:
        return ""
    values = {
        "id": suspicion.near_tree_id,
        "name": _name(suspicion.near_tree),
        "distance": f"{suspicion.distance_m:.1f}",
    }
    if suspicion.answer == DuplicateSuspicion.Answer.DISTINCT:
        return (
            _(
                "Possible duplicate: %(distance)s m from tree #%(id)s (%(name)s); whoever "
                "recorded it says it is another tree."
            )
            % values
        )
    return _("Possible duplicate: %(distance)s m from tree #%(id)s (%(name)s).") % values
