"""A project's history of changes told in words (“Added GIZ as implementer.”), in the reader's
language: the history (`metropoli.common.history`, one for every app; written by
services._record and save_project) keeps codes and raw values, this module turns each changed
field into a sentence. Decision: docs/decisions/0090-one-change-history.md."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from metropoli.common.history import HistoryLine, history_of, lines

from .models import (
    THEME_LABELS,
    AmountKind,
    InstituteRole,
    Modality,
    ParticipationRole,
    Project,
    Scheme,
    Stage,
)

_CHOICES = {
    "stage": dict(Stage.choices),
    "institute_role": dict(InstituteRole.choices),
    "scheme": dict(Scheme.choices),
}
_PARTNER = re.compile(r"^(?P<name>.*) \((?P<role>\w+)\)$")
_AMOUNT = re.compile(r"^(?P<money>.*) \((?P<date>[\d-]+|None)\)$")
_ADDED = {
    "milestones": lambda title: _("Added the milestone “%(title)s”.") % {"title": title},
    "legal_instruments": lambda title: (
        _("Added the legal instrument “%(title)s”.") % {"title": title}
    ),
    "results": lambda title: _("Added the result “%(title)s”.") % {"title": title},
    "documents": lambda title: _("Added the document “%(title)s”.") % {"title": title},
}


def _date(text: str) -> str:
    try:
        return date_format(date.fromisoformat(text), "j M Y")
    except ValueError:
        return text


def _value(field: str, text: str, municipality_names: dict[str, str]) -> str:
    """A stored value as a person reads it."""
    if not text:
        return ""
    if field in _CHOICES:
        return str(_CHOICES[field].get(text, text))
    if field in ("is_public",):
        return _("yes") if text == "true" else _("no")
    if field in ("planned_start", "planned_end", "actual_start", "actual_end"):
        return _date(text)
    if field == "modalities":
        labels = dict(Modality.choices)
        return ", ".join(str(labels.get(code, code)) for code in text.split())
    if field == "themes":
        shares = [part.partition(":") for part in text.split(", ")]
        return ", ".join(f"{THEME_LABELS.get(code, code)} {pct} %" for code, _s, pct in shares)
    if field == "municipalities":
        return ", ".join(municipality_names.get(code, code) for code in text.split())
    return text


def _field_name(field: str) -> str:
    if field == "themes":
        return _("thematic areas")
    try:
        return str(Project._meta.get_field(field).verbose_name)
    except FieldDoesNotExist:
        return field


def describe(change: HistoryLine, municipality_names: dict[str, str] | None = None) -> str:
    names = municipality_names or {}
    field, old, new = change.field, change.old_value, change.new_value
    if field == "created":
        return _("Created the project with the code %(code)s.") % {"code": new}
    if field == "partners" and (match := _PARTNER.match(new)):
        role = dict(ParticipationRole.choices).get(match["role"], match["role"])
        return _("Added %(organisation)s as %(role)s.") % {
            "organisation": match["name"],
            "role": str(role).lower(),
        }
    if field.startswith("amount.") and (match := _AMOUNT.match(new)):
        kind = dict(AmountKind.choices).get(field.removeprefix("amount."), field)
        return _("Added an amount (%(kind)s) of %(money)s, value date %(date)s.") % {
            "kind": str(kind).lower(),
            "money": match["money"],
            "date": _date(match["date"]),
        }
    if field in _ADDED:
        return _ADDED[field](new)
    what = _field_name(field)
    before, after = _value(field, old, names), _value(field, new, names)
    if not before:
        return _("Set %(field)s to “%(new)s”.") % {"field": what, "new": after}
    if not after:
        return _("Cleared %(field)s (it was “%(old)s”).") % {"field": what, "old": before}
    return _("Changed %(field)s from “%(old)s” to “%(new)s”.") % {
        "field": what,
        "old": before,
        "new": after,
    }


def recent_changes(project: Project, limit: int = 30) -> list[HistoryLine]:
    """The project's last ``limit`` changed fields, newest first."""
    records = history_of(Project, project.pk).order_by("-changed_at", "-pk")[:limit]
    return lines(records, newest_first=True)[:limit]


def in_words(changes, municipality_names: dict[str, str]) -> list[tuple[HistoryLine, str]]:
    return [(change, describe(change, municipality_names)) for change in changes]
