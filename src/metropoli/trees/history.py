"""The change history in words: each field by its label, each value as people read it.

The history (`metropoli.common.history`, one for every app) keeps codes (a municipality's INEGI
code, a species code, a choice's value, a photo's file name) so that it outlives renames and
translations; this module turns its lines into "Municipio: Guadalajara", "Condición: Regular"
or a photo's thumbnail, in the active language, and groups the lines of one change (same
moment, same person, same action).
Decisions: docs/decisions/0064-history-and-exports-in-words.md, 0090-one-change-history.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from metropoli.common.history import ChangeAction, HistoryLine
from metropoli.common.params import whole_number
from metropoli.territory.models import Municipality

from .models import (
    Condition,
    Phenology,
    PlantingSite,
    SiteType,
    Species,
    Tree,
    TreePhoto,
    ValidationState,
)

CHOICES = {
    "site_type": SiteType,
    "condition": Condition,
    "phenology": Phenology,
    "validation_state": ValidationState,
}
# What the history's lines call a site's and a tree's changes (the API's "subject").
SUBJECTS = {"plantingsite": "site", "tree": "tree"}
UNITS = {"dbh_cm": "cm", "height_m": "m", "crown_width_m": "m", "location_accuracy_m": "m"}
# The order fields are listed in within one change: where first, then what.
ORDER = (
    "location",
    "municipality",
    "address",
    "colonia",
    "site_type",
    "location_accuracy_m",
    "species",
    "dbh_cm",
    "height_m",
    "crown_width_m",
    "condition",
    "phenology",
    "validation_state",
    "external_id",
    "notes",
    "photo",
    "tree",
    "site",
    "reason",
)


def field_label(name: str) -> str:
    """The label of a history field in the active language ("Municipio", "Condición")."""
    extra = {
        "photo": _("Photo"),
        "site": _("Planting site"),
        "reason": _("Reason"),
        "location": _("Location"),
        "tree": _("Tree planted"),
        "duplicate": _("Possible duplicate of"),  # trees/duplicates.py: the recorder's answer
    }
    if name in extra:
        return extra[name]
    for model in (PlantingSite, Tree):
        try:
            return capfirst(str(model._meta.get_field(name).verbose_name))
        except Exception:  # noqa: BLE001, S112 - FieldDoesNotExist: try the other model
            continue
    return name


@dataclass
class Value:
    text: str = ""
    photo: TreePhoto | None = None  # a photo still stored: shown by its thumbnail
    site_id: int | None = None  # a planting site: linked


@dataclass
class Line:
    field: str
    label: str
    old: Value
    new: Value

    @property
    def shown(self) -> list[Value]:
        """What to show: the new value of a created field, the old one of a removed field,
        both (old → new) of a change."""
        if self.old.text == "—":
            return [self.new]
        if self.new.text == "—":
            return [self.old]
        return [self.old, self.new]


@dataclass
class Change:
    """One change: when, who, what kind, and the fields it touched."""

    changed_at: datetime
    changed_by: object
    action: str
    action_label: str
    lines: list[Line] = field(default_factory=list)


class _Lookups:
    """Names for the codes a history holds, fetched once per page."""

    def __init__(self, rows: list[HistoryLine]):
        def values(name: str) -> set[str]:
            return {v for r in rows if r.field == name for v in (r.old_value, r.new_value) if v}

        self.municipalities = dict(
            Municipality.objects.filter(inegi_code__in=values("municipality")).values_list(
                "inegi_code", "name"
            )
        )
        self.species = {
            s.code: s.display_name for s in Species.objects.filter(code__in=values("species"))
        }
        self.photos = {p.image.name: p for p in TreePhoto.objects.filter(image__in=values("photo"))}

    def value(self, name: str, raw: str) -> Value:
        if raw == "":
            return Value("—")
        if name == "municipality":
            return Value(self.municipalities.get(raw, raw))
        if name == "species":
            return Value(self.species.get(raw, raw))
        if name in CHOICES:
            labels = dict(CHOICES[name].choices)
            return Value(str(labels[raw]) if raw in labels else raw)
        if name in UNITS:
            return Value(f"{raw} {UNITS[name]}")
        if name == "location":
            lon, _sep, lat = raw.partition(",")
            try:
                return Value(f"{float(lat):.6f}, {float(lon):.6f}")
            except ValueError:
                return Value(raw)
        if name == "photo":
            photo = self.photos.get(raw)
            return Value(_("Photo") if photo else _("Photo (removed)"), photo=photo)
        if name == "tree":
            return Value(_("Tree %(id)s") % {"id": raw})
        if name == "duplicate":  # "#12" (the tree nearby), then "distinct" or "same"
            answers = {"distinct": _("Another tree"), "same": _("The same tree")}
            return Value(answers.get(raw) or _("Tree %(id)s") % {"id": raw.lstrip("#")})
        if name == "site":
            return Value(_("Site %(id)s") % {"id": raw}, site_id=whole_number(raw))
        return Value(raw)


def describe(rows: Iterable[HistoryLine]) -> list[Change]:
    """The history grouped by change, each field and value in words, oldest first."""
    rows = list(rows)
    lookups = _Lookups(rows)
    return _grouped(
        rows,
        lambda row: Line(
            field=row.field,
            label=field_label(row.field),
            old=lookups.value(row.field, row.old_value),
            new=lookups.value(row.field, row.new_value),
        ),
        ORDER,
    )


# The order a species' fields are listed in within one change (trees/species.SPECIES_FIELDS).
SPECIES_ORDER = (
    "code",
    "scientific_name",
    "common_name_es",
    "other_names_es",
    "common_name_en",
    "genus",
    "species",
    "cultivar",
    "is_local",
    "itree_code",
    "reason",
)


def _species_value(name: str, raw: str) -> Value:
    if raw == "":
        return Value("—")
    if name == "is_local":
        return Value(_("Yes") if raw == "true" else _("No"))
    return Value(raw)


def _species_line(row: HistoryLine) -> Line:
    try:
        label = capfirst(str(Species._meta.get_field(row.field).verbose_name))
    except Exception:  # noqa: BLE001 - FieldDoesNotExist: a field since removed, or the reason
        label = field_label(row.field)
    return Line(
        field=row.field,
        label=label,
        old=_species_value(row.field, row.old_value),
        new=_species_value(row.field, row.new_value),
    )


def describe_species(rows: Iterable[HistoryLine]) -> list[Change]:
    """A species' history (the catalogue's page) in words: its fields by their labels."""
    return _grouped(list(rows), _species_line, SPECIES_ORDER)


def _grouped(rows: list[HistoryLine], line_of, order: tuple[str, ...]) -> list[Change]:
    actions = dict(ChangeAction.choices)
    changes: list[Change] = []
    for row in rows:
        # One change: the same person, the same action, the same second (a service's rows
        # share one timestamp; the inventory number's row follows within the same request).
        key = (row.changed_at.replace(microsecond=0), row.changed_by_id, row.action)
        last = changes[-1] if changes else None
        last_key = last and (
            last.changed_at.replace(microsecond=0),
            getattr(last.changed_by, "pk", None),
            last.action,
        )
        if last is None or last_key != key:
            last = Change(
                changed_at=row.changed_at,
                changed_by=row.changed_by,
                action=row.action,
                action_label=str(actions.get(row.action, row.action)),
            )
            changes.append(last)
        last.lines.append(line_of(row))
    rank = {name: n for n, name in enumerate(order)}
    for change in changes:
        change.lines.sort(key=lambda line: rank.get(line.field, len(order)))
    return changes
