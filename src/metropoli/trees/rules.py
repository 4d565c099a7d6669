"""Named permissions of the tree module.

Decision (docs/decisions/0017-trees-capture-accounts.md): recording a tree needs an account;
the person who recorded a tree may correct or remove it for a while
(TREES_EDIT_WINDOW_HOURS), after which the municipality's staff and arborists look after it.
"""

from datetime import timedelta

import rules
from django.conf import settings
from django.utils import timezone

from metropoli.territory.models import Role
from metropoli.territory.rules import (
    is_arborist,
    is_municipal_staff,
    is_platform_administrator,
)
from metropoli.territory.selectors import municipalities_where


@rules.predicate
def is_recent_recorder(user, tree) -> bool:
    if tree is None or not user.is_authenticated or tree.recorded_by_id != user.pk:
        return False
    window = timedelta(hours=settings.TREES_EDIT_WINDOW_HOURS)
    return timezone.now() - tree.recorded_at <= window


@rules.predicate
def looks_after_trees_somewhere(user) -> bool:
    """Municipal staff or arborist of some municipality (a platform administrator: of all)."""
    if not user.is_authenticated:
        return False
    return municipalities_where(user, Role.MUNICIPAL_STAFF, Role.ARBORIST).exists()


rules.add_perm("trees.view_tree", rules.always_allow)
rules.add_perm("trees.add_tree", rules.is_authenticated & rules.is_active)
rules.add_perm(
    "trees.change_tree",
    is_recent_recorder | is_municipal_staff | is_arborist | is_platform_administrator,
)
rules.add_perm("trees.add_photo", is_recent_recorder | is_municipal_staff | is_arborist)
# Staff and arborists look after the inventory: both may remove a tree, with a reason.
rules.add_perm("trees.delete_tree", is_recent_recorder | is_municipal_staff | is_arborist)
# obj: the municipality whose inventory is imported or exported in bulk.
rules.add_perm("trees.import_trees", is_municipal_staff)
# obj: a municipality. Who looks after its trees: they may move a tree into it (out of it needs
# trees.change_tree on the tree) and read the history of its removed trees, notes included.
rules.add_perm(
    "trees.look_after_trees", is_municipal_staff | is_arborist | is_platform_administrator
)
# Staff pages (trees/staff_views.py): removing a photo of a tree (obj: the tree), and creating,
# changing and planting in a planting site (obj: the site or its municipality).
rules.add_perm("trees.delete_photo", is_recent_recorder | is_municipal_staff | is_arborist)
rules.add_perm("trees.change_site", is_municipal_staff | is_arborist | is_platform_administrator)
# The species catalogue is metro-wide: who looks after the trees of any municipality keeps it
# (adds a missing species, corrects a name or an i-Tree code); decision 0107.
rules.add_perm("trees.change_species", looks_after_trees_somewhere | is_platform_administrator)
