"""Edits refused when the record changed after the form was opened (optimistic concurrency).

A form carries the version of what the person saw: `form_version` of the records it shows, from
their `updated_at` (auto_now), in a hidden field named ``version``. The write compares it with
the records' current version and refuses a stale one with `EDITED_MEANWHILE` (409): nothing is
stored, and the page shows the form again with the current values and `STALE`. A service that
locks the row compares under the lock (`refuse_stale`), so two saves cannot both pass the check.
First written for the tree and site forms (trees/staff_views.py); decision 0114.
"""

from __future__ import annotations

from .errors import CommonErrorCode, DomainError

# The hidden field's name on every form that carries a version.
FIELD = "version"
# Longer than any version: a longer one is not ours, and is not shown back in the page.
MAX_LENGTH = 200
STALE = CommonErrorCode.EDITED_MEANWHILE.message


def form_version(*records) -> str:
    """What the person saw: a form sent after someone else saved is refused, not merged."""
    return "-".join(str(record.updated_at.timestamp()) for record in records)


def is_stale(seen: str | None, *records) -> bool:
    return (seen or "") != form_version(*records)


def refuse_stale(seen: str | None, *records, message: str | None = None) -> None:
    """DomainError EDITED_MEANWHILE (409) unless `seen` is the records' version now; `message`
    (an English msgid) names the record in the module's words."""
    if is_stale(seen, *records):
        raise DomainError(CommonErrorCode.EDITED_MEANWHILE, message)


def is_edited_meanwhile(error: DomainError) -> bool:
    return error.code is CommonErrorCode.EDITED_MEANWHILE


def seen_version(data) -> str:
    """The version a form sent (its POST data), or "" when it sent none or not one of ours."""
    value = data.get(FIELD, "") if data is not None else ""
    return value if isinstance(value, str) and len(value) <= MAX_LENGTH else ""
