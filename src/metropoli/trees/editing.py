"""What the staff's edit pages add to the services: the inventory number, removing a photo and
removing a tree with a reason. Each a transaction that writes its own history record; the rest of
an edit goes through `services.update_tree` and `services.delete_tree` unchanged.
"""

import contextlib
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from metropoli.common import stale
from metropoli.common.api import require
from metropoli.common.errors import DomainError, ErrorCode, Kind
from metropoli.common.history import ChangeAction, record_change
from metropoli.common.i18n import gettext_noop

from . import services
from .errors import TreeErrorCode
from .models import Tree, TreePhoto

REASON_MAX_LENGTH = 500
EXTERNAL_ID_MAX_LENGTH = 64


class EditErrorCode(ErrorCode):
    """Refusals of the staff's edit pages."""

    REASON_REQUIRED = (
        "reason_required",
        Kind.INVALID,
        gettext_noop("Say why the tree is removed (at most %(max)s characters)."),
    )
    UNKNOWN_PHOTO = (
        "unknown_photo",
        Kind.NOT_FOUND,
        gettext_noop("This tree has no such photo (it may have been removed already)."),
    )
    INVALID_EXTERNAL_ID = (
        "invalid_external_id",
        Kind.INVALID,
        gettext_noop("The inventory number has at most %(max)s characters."),
    )


@transaction.atomic
def change_tree(
    *, tree: Tree, changed_by, changes: Mapping[str, Any], seen_version: str | None = None
) -> Tree:
    """`services.update_tree` plus the inventory number (``external_id``), one transaction,
    for someone who may change the tree. With `seen_version` (a form's, common/stale.py), a
    change made from a version someone else saved over is refused under the tree's lock."""
    require(
        changed_by, "trees.change_tree", tree, message=gettext_noop("You cannot change this tree.")
    )
    if seen_version is not None:
        tree = services._locked_or_gone(
            Tree.objects.select_related("site").select_for_update(), tree.pk
        )
        stale.refuse_stale(seen_version, tree, tree.site)
    changes = dict(changes)
    external_id = changes.pop("external_id", None)
    if changes:
        tree = services.update_tree(tree=tree, changed_by=changed_by, changes=changes)
    else:
        tree = services._locked_or_gone(Tree.objects.select_for_update(), tree.pk)
    if external_id is None:
        return tree
    external_id = str(external_id).strip()
    if len(external_id) > EXTERNAL_ID_MAX_LENGTH:
        raise DomainError(EditErrorCode.INVALID_EXTERNAL_ID, max=EXTERNAL_ID_MAX_LENGTH)
    if external_id != tree.external_id:
        old, tree.external_id = tree.external_id, external_id
        tree.save(update_fields=["external_id", "updated_at"])
        record_change(tree, changed_by, ChangeAction.UPDATE, {"external_id": (old, external_id)})
    return tree


def remove_photo(*, tree: Tree, photo_id: int, removed_by) -> None:
    """Remove one photo of a tree: its row now, its files once the transaction commits."""
    require(removed_by, "trees.delete_photo", tree)
    with transaction.atomic():
        tree = services._locked_or_gone(Tree.objects.select_for_update(), tree.pk)
        photo = TreePhoto.objects.filter(tree=tree, pk=photo_id).first()
        if photo is None:
            raise DomainError(EditErrorCode.UNKNOWN_PHOTO)
        record_change(tree, removed_by, ChangeAction.UPDATE, {"photo": (photo.image.name, "")})
        files = [(f.storage, f.name) for f in (photo.image, photo.thumbnail) if f]
        photo.delete()

        def delete_files() -> None:
            for storage, name in files:
                with contextlib.suppress(OSError):  # a read-only folder: the row is gone anyway
                    storage.delete(name)

        transaction.on_commit(delete_files)


@transaction.atomic
def remove_tree(*, tree: Tree, removed_by, reason: str) -> int:
    """Remove a tree, saying why (the reason joins its history); returns its site's id (the
    site stays, empty, ready for a new tree)."""
    reason = (reason or "").strip()
    if not reason or len(reason) > REASON_MAX_LENGTH:
        raise DomainError(EditErrorCode.REASON_REQUIRED, max=REASON_MAX_LENGTH)
    site_id = Tree.objects.filter(pk=tree.pk).values_list("site_id", flat=True).first()
    if site_id is None:
        raise DomainError(TreeErrorCode.UNKNOWN_TREE, id=tree.pk)
    services.delete_tree(tree=tree, deleted_by=removed_by, reason=reason)
    return site_id
