"""The one change history of every app: one way to write it, one way to read it.

Writing: `record_change(obj, actor, action, changes, reason=...)` in the caller's transaction
(a write that fails leaves no history row), or `change_record(...)` + `save_records(...)` for
bulk loads. ``changes`` maps each field to its (old, new) value; values are kept as text, so
the history outlives renames and translations (each app's reader turns codes into words).
Reading: `history_of(model, id)` selects the records of one object (and those filed under it
as their parent); `lines(records)` turns them into one line per changed field, the form every
page, API and export shows. Decision: docs/decisions/0090-one-change-history.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ChangeAction, ChangeRecord

__all__ = [
    "ChangeAction",
    "ChangeRecord",
    "HistoryLine",
    "as_text",
    "change_record",
    "history_of",
    "lines",
    "record_change",
    "save_records",
]


def as_text(value: Any) -> str:
    """A value as the history keeps it: "" for nothing, ISO dates, true/false, else str()."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):  # datetimes too
        return value.isoformat()
    return str(value)


def _actor(user):
    return user if getattr(user, "is_authenticated", False) else None


def change_record(
    obj: models.Model | tuple[type[models.Model], int],
    actor,
    action: str,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    reason: str = "",
    parent: models.Model | tuple[type[models.Model], int] | None = None,
    at: datetime | None = None,
) -> ChangeRecord | None:
    """An unsaved record of a change, or None when nothing changed and no reason is given.

    ``obj`` (and ``parent``) is an instance or a (model, id) pair, for a record already gone.
    Fields whose old and new text are equal are left out. An anonymous actor is kept as none.
    """
    kept = []
    for field, (old, new) in changes.items():
        old_text, new_text = as_text(old), as_text(new)
        if old_text != new_text:
            kept.append({"field": field, "old": old_text, "new": new_text})
    if not kept and not reason:
        return None
    model, object_id = _key(obj)
    record = ChangeRecord(
        content_type=ContentType.objects.get_for_model(model),
        object_id=object_id,
        action=action,
        changes=kept,
        reason=reason,
        changed_by=_actor(actor),
        changed_at=at or timezone.now(),
    )
    if parent is not None:
        parent_model, record.parent_id = _key(parent)
        record.parent_type = ContentType.objects.get_for_model(parent_model)
    return record


def save_records(records: Iterable[ChangeRecord | None]) -> list[ChangeRecord]:
    """Store records made by `change_record` in one statement (None left out)."""
    return ChangeRecord.objects.bulk_create([r for r in records if r is not None])


def record_change(
    obj: models.Model | tuple[type[models.Model], int],
    actor,
    action: str,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    reason: str = "",
    parent: models.Model | tuple[type[models.Model], int] | None = None,
    at: datetime | None = None,
) -> ChangeRecord | None:
    """Record one change of ``obj`` in the caller's transaction; None when nothing changed."""
    record = change_record(obj, actor, action, changes, reason=reason, parent=parent, at=at)
    if record is not None:
        record.save()
    return record


def _key(obj) -> tuple[type[models.Model], int]:
    if isinstance(obj, tuple):
        return obj
    return type(obj), obj.pk


def history_of(
    model: type[models.Model], object_id: int, *, with_children: bool = True
) -> QuerySet[ChangeRecord]:
    """The records of one object, oldest first; with those filed under it as their parent."""
    kind = ContentType.objects.get_for_model(model)
    query = Q(content_type=kind, object_id=object_id)
    if with_children:
        query |= Q(parent_type=kind, parent_id=object_id)
    return ChangeRecord.objects.filter(query).select_related("changed_by")


@dataclass(frozen=True)
class HistoryLine:
    """One changed field of one record: the form pages, APIs and exports show."""

    record: ChangeRecord
    field: str
    old_value: str
    new_value: str
    subject: str  # the changed record's kind: its model name, or the app's word for it

    @property
    def action(self) -> str:
        return self.record.action

    @property
    def changed_by(self):
        return self.record.changed_by

    @property
    def changed_by_id(self) -> int | None:
        return self.record.changed_by_id

    @property
    def changed_at(self) -> datetime:
        return self.record.changed_at

    @property
    def object_id(self) -> int:
        return self.record.object_id


REASON = "reason"  # the line a record's reason is shown as, after its fields


def lines(
    records: Iterable[ChangeRecord],
    *,
    newest_first: bool = False,
    subjects: Mapping[str, str] | None = None,
) -> list[HistoryLine]:
    """One line per changed field, in the records' order; a reason is its own last line
    ("reason", "" → the reason). ``newest_first`` also reverses the lines within a record, for
    records read newest first. ``subjects`` names the kinds of record by model name
    ({"plantingsite": "site"}); others keep their model name."""
    out: list[HistoryLine] = []
    names = subjects or {}
    for record in records:
        model = ContentType.objects.get_for_id(record.content_type_id).model
        subject = names.get(model, model)
        mine = [
            HistoryLine(record, c.get("field", ""), c.get("old", ""), c.get("new", ""), subject)
            for c in record.changes
        ]
        if record.reason:
            mine.append(HistoryLine(record, REASON, "", record.reason, subject))
        out.extend(reversed(mine) if newest_first else mine)
    return out
