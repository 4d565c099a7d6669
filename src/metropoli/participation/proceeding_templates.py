"""Consultation templates: saved from a consultation by who sets it up, then corrected (name,
description, a phase or a category less) or deleted by the staff of the municipality that saved
it (`participation.change_template`); the platform's own templates, of no municipality (the
demo's, loaded ones, those saved from a metropolitan consultation), by platform administrators.

Every write checks the rule, runs in one transaction with the template's row locked, and refuses
an edit made from a version someone else saved over meanwhile (common/stale.py). Names are
unique whatever their case. Deleting a template leaves the consultations started from it with
their phases and categories. Decision docs/decisions/0114-templates-page-and-stale-edits.md.
"""

from django.db import IntegrityError, connection, transaction

from metropoli.common import stale
from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.history import ChangeAction, record_change
from metropoli.common.i18n import gettext_noop

from .errors import ParticipationErrorCode
from .models import Proceeding, ProceedingTemplate

DENIED = ParticipationErrorCode.PERMISSION_DENIED
STAFF_ONLY = gettext_noop("Only the staff and moderators of this consultation can do this.")
OWNERS_ONLY = gettext_noop(
    "Only the staff of the municipality that saved this template change it; the platform's "
    "own templates, only platform administrators."
)
EDITED_MEANWHILE = gettext_noop(
    "Someone else changed this template while you were editing it. The page now shows it as "
    "it is: make your change again."
)
NAME_MAX = ProceedingTemplate._meta.get_field("name").max_length or 120
DESCRIPTION_MAX = 2000
PARTS = ("phases", "categories")


def _lock_names() -> None:
    """One writer of template names at a time (until its commit), so that two people naming
    two templates alike (case aside) cannot both pass the check."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", ["participation.templates"])


def _checked_name(name, *, other_than: int | None = None) -> str:
    name = " ".join(str(name or "").split())
    if not name:
        raise DomainError(ParticipationErrorCode.TEMPLATE_NAME_REQUIRED, on_field="name")
    if len(name) > NAME_MAX:
        raise DomainError(ParticipationErrorCode.TEXT_TOO_LONG, n=NAME_MAX, on_field="name")
    _lock_names()
    same = ProceedingTemplate.objects.filter(name__iexact=name).exclude(pk=other_than).first()
    if same is not None:
        raise DomainError(
            ParticipationErrorCode.TEMPLATE_NAME_TAKEN, name=same.name, on_field="name"
        )
    return name


def _checked_description(description) -> str:
    description = str(description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise DomainError(
            ParticipationErrorCode.TEXT_TOO_LONG, n=DESCRIPTION_MAX, on_field="description"
        )
    return description


def _created(**fields) -> ProceedingTemplate:
    try:
        with transaction.atomic():
            return ProceedingTemplate.objects.create(**fields)
    except IntegrityError as error:  # the name's unique index: saved meanwhile
        raise DomainError(
            ParticipationErrorCode.TEMPLATE_NAME_TAKEN, name=fields["name"], on_field="name"
        ) from error


@transaction.atomic
def save_as_template(
    *, actor, proceeding: Proceeding, name: str, description: str = ""
) -> ProceedingTemplate:
    """Keep this consultation's phases (as durations, in order) and categories as a template
    that new consultations of any municipality can start from, owned by the consultation's
    municipality (a metropolitan one's: the platform's). Uploaded icons stay with their
    consultation: the template keeps the category's icon from the shared set."""
    require(actor, "participation.change_proceeding", proceeding, code=DENIED, message=STAFF_ONLY)
    description = _checked_description(description)
    phases = [
        {
            "kind": phase.kind,
            "days": max(1, round((phase.end - phase.start).total_seconds() / 86400)),
            "allows_anonymous": phase.allows_anonymous,
        }
        for phase in proceeding.phases.order_by("start")
    ]
    categories = [
        {"name": c.name, "icon": c.icon, "colour": c.colour, "description": c.description}
        for c in proceeding.categories.order_by("order", "pk")
    ]
    if not phases and not categories:
        raise DomainError(ParticipationErrorCode.TEMPLATE_EMPTY)
    template = _created(
        name=_checked_name(name),
        description=description,
        phases=phases,
        categories=categories,
        municipality=proceeding.municipality,
    )
    record_change(template, actor, ChangeAction.CREATE, {"name": ("", template.name)})
    return template


def _locked(actor, template: ProceedingTemplate) -> ProceedingTemplate:
    """The template as it is now, its row locked until the commit; refused unless `actor` may
    change it."""
    require(actor, "participation.change_template", template, code=DENIED, message=OWNERS_ONLY)
    current = ProceedingTemplate.objects.select_for_update().filter(pk=template.pk).first()
    if current is None:
        raise DomainError(ParticipationErrorCode.NOT_FOUND)
    require(actor, "participation.change_template", current, code=DENIED, message=OWNERS_ONLY)
    return current


@transaction.atomic
def change_template(
    *, actor, template: ProceedingTemplate, name: str, description: str, seen_version: str
) -> ProceedingTemplate:
    """A new name or description. The same form sent twice changes nothing and is no conflict;
    any other made from an older version is refused."""
    current = _locked(actor, template)
    values = {
        "name": _checked_name(name, other_than=current.pk),
        "description": _checked_description(description),
    }
    changed = {f: (getattr(current, f), v) for f, v in values.items() if getattr(current, f) != v}
    if not changed:
        return current
    stale.refuse_stale(seen_version, current, message=EDITED_MEANWHILE)
    for field, (_old, new) in changed.items():
        setattr(current, field, new)
    current.save(update_fields=[*changed, "updated_at"])
    record_change(current, actor, ChangeAction.UPDATE, changed)
    return current


def _summary(part: str, items) -> str:
    items = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    if part == "phases":
        return "; ".join(f"{item.get('kind', '')} ({item.get('days', '')})" for item in items)
    return "; ".join(str(item.get("name", "")) for item in items)


@transaction.atomic
def remove_template_item(
    *, actor, template: ProceedingTemplate, part: str, index: int, seen_version: str
) -> dict:
    """Remove one phase or one category (`part`, by its place in the list the person saw) from
    the template; it keeps at least one of either. Returns what was removed."""
    if part not in PARTS:
        raise DomainError(ParticipationErrorCode.INVALID_ACTION)
    current = _locked(actor, template)
    # The place means something only in the version the person saw.
    stale.refuse_stale(seen_version, current, message=EDITED_MEANWHILE)
    items = list(getattr(current, part)) if isinstance(getattr(current, part), list) else []
    if not 0 <= index < len(items):
        raise DomainError(ParticipationErrorCode.UNKNOWN_TEMPLATE_ITEM)
    removed = items.pop(index)
    other = current.categories if part == "phases" else current.phases
    if not items and not other:
        raise DomainError(ParticipationErrorCode.TEMPLATE_KEEPS_ONE)
    before = _summary(part, getattr(current, part))
    setattr(current, part, items)
    current.save(update_fields=[part, "updated_at"])
    record_change(current, actor, ChangeAction.UPDATE, {part: (before, _summary(part, items))})
    return removed if isinstance(removed, dict) else {}


@transaction.atomic
def delete_template(*, actor, template: ProceedingTemplate, seen_version: str) -> str:
    """Delete the template, as the person saw it. The consultations started from it keep their
    phases and categories (copies); only their link to it is cleared. Returns its name."""
    current = _locked(actor, template)
    stale.refuse_stale(seen_version, current, message=EDITED_MEANWHILE)
    name, pk = current.name, current.pk
    current.delete()
    record_change((ProceedingTemplate, pk), actor, ChangeAction.DELETE, {"name": (name, "")})
    return name
