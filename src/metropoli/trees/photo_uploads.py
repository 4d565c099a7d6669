"""A photo sent with an `Idempotency-Key`: the one idempotency of the platform
(common/idempotency.py), as for trees, orders and contributions.

The key belongs to its caller and is bound to the tree and the photo's bytes: a retry by the
same person returns the photo stored the first time; the same key with another photo (or for
another tree) is refused with 422; another person's key is a new key of one's own.
"""

from __future__ import annotations

import hashlib

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.idempotency import Idempotency, run_once

from . import services
from .errors import TreeErrorCode
from .models import Tree, TreePhoto


def _replayed(photo_id: int) -> tuple[TreePhoto, bool]:
    photo = TreePhoto.objects.filter(pk=photo_id).first()
    if photo is None:
        raise DomainError(TreeErrorCode.PHOTO_DELETED)
    return photo, False


def add_photo_once(
    *, tree: Tree, data: bytes, uploaded_by, idempotency: Idempotency | None
) -> tuple[TreePhoto, bool]:
    """`services.add_photo` once per key, for someone who may add photos: (photo, created)."""
    require(
        uploaded_by,
        "trees.add_photo",
        tree,
        message=gettext_noop("You cannot add photos to this tree."),
    )
    result, _ran = run_once(
        action="trees.photo",
        idempotency=idempotency,
        request={"tree": tree.pk, "photo": hashlib.sha256(data).hexdigest()},
        create=lambda: services.add_photo(tree=tree, data=data, uploaded_by=uploaded_by),
        result_id=lambda result: result[0].pk,
        replay=_replayed,
    )
    return result
