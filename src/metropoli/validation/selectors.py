"""Reads of Treender: the next card, track records, feedback, the work queue and the dashboard."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from django.conf import settings
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from metropoli.notifications import services as notifications
from metropoli.notifications.models import Notification
from metropoli.territory.models import Role
from metropoli.territory.selectors import municipalities_where
from metropoli.trees import duplicates
from metropoli.trees.models import Source, Tree, ValidationState

from .models import (
    OUTCOME_OF_VOTE,
    Decision,
    Escalation,
    Outcome,
    Vote,
    VoteKind,
    WorkItem,
    WorkStatus,
)

# Track record prior: a new reviewer starts as if 3 of 4 votes had agreed (weight 0.75).
PRIOR_AGREEING = 3
PRIOR_VOTES = 4


def absolute(name: str, *args) -> str:
    base = getattr(settings, "METROPOLI_SITE_URL", "") or ""
    return base.rstrip("/") + reverse(name, args=args)


def lesson_url(slug: str, *, full: bool = False) -> str:
    """The lesson's path (in pages) or full address (in e-mails); "" without a lesson."""
    if not slug:
        return ""
    try:
        return (
            absolute("learning:lesson", slug) if full else reverse("learning:lesson", args=[slug])
        )
    except NoReverseMatch:
        return ""


# --- the queue -------------------------------------------------------------------------------


def _waiting(user) -> QuerySet[Tree]:
    """Citizens' undecided records the person did not record and has not voted on."""
    return (
        Tree.objects.filter(source=Source.CAPTURE, validation_state=ValidationState.SUBMITTED)
        .exclude(Exists(Decision.objects.filter(tree=OuterRef("pk"))))
        .exclude(recorded_by=user)
        .exclude(Exists(Vote.objects.filter(tree=OuterRef("pk"), voter=user)))
        .annotate(escalated=Exists(Escalation.objects.filter(tree=OuterRef("pk"))))
        .select_related("site", "site__municipality", "species", "recorded_by")
        .prefetch_related("photos")
    )


def review_queue(user) -> QuerySet[Tree]:
    """Records the person may vote on, most useful first.

    Citizens' waiting records (imported inventories are not reviewed) of the municipalities
    where they are a certified expert or arborist, never their own, never one they voted on;
    the oldest first. Records the experts disagreed on wait for an arborist: they come first
    for arborists and are not shown to experts.
    """
    if not getattr(user, "is_authenticated", False):
        return Tree.objects.none()
    reviewing = list(
        municipalities_where(user, Role.CERTIFIED_EXPERT, Role.ARBORIST).values_list(
            "pk", flat=True
        )
    )
    deciding = list(municipalities_where(user, Role.ARBORIST).values_list("pk", flat=True))
    return (
        _waiting(user)
        .filter(site__municipality_id__in=reviewing)
        .filter(Q(site__municipality_id__in=deciding) | Q(escalated=False))
        .order_by("-escalated", "recorded_at", "pk")
    )


def next_card(user) -> Tree | None:
    """The head of `review_queue`, in two cheap steps so the recorded_at index is walked
    instead of sorting the whole queue: the escalated records first (arborists), then the
    oldest of the rest."""
    if not getattr(user, "is_authenticated", False):
        return None
    deciding = list(municipalities_where(user, Role.ARBORIST).values_list("pk", flat=True))
    if deciding:
        found = (
            _waiting(user)
            .filter(escalated=True, site__municipality_id__in=deciding)
            .order_by("recorded_at", "pk")
            .first()
        )
        if found is not None:
            return found
    reviewing = list(
        municipalities_where(user, Role.CERTIFIED_EXPERT, Role.ARBORIST).values_list(
            "pk", flat=True
        )
    )
    return (
        _waiting(user)
        .filter(site__municipality_id__in=reviewing, escalated=False)
        .order_by("recorded_at", "pk")
        .first()
    )


@dataclass(frozen=True)
class Card:
    tree_id: int
    species_code: str | None
    species_name: str
    scientific_name: str
    dbh_cm: float | None
    lon: float
    lat: float
    municipality: str
    recorded_at: str
    recorder_name: str
    recorder_level: str
    recorder_level_label: str
    photo_url: str | None
    thumbnail_url: str | None
    escalated: bool
    remaining: int
    duplicate_note: str = ""  # a capture within 2 m of another tree (trees/duplicates.py)


class RecorderLevel(Protocol):
    value: str
    label: Any  # text, or a lazy translation of it


# A recorder's level (observer, recorder, expert) is the learning path's knowledge, and learning
# sits above validation (it certifies people on their `recorder_accuracy`): it hands its reader
# over when it starts (learning/apps.py), so validation never imports it
# (docs/decisions/0052-app-layers-and-import-graph.md). Without it cards show no level.
_level_reader: Callable[[Any], RecorderLevel | None] | None = None


def read_levels_with(reader: Callable[[Any], RecorderLevel | None]) -> None:
    global _level_reader
    _level_reader = reader


def card_for(tree: Tree, user) -> Card:
    photo = next(iter(tree.photos.all()), None)
    reader = _level_reader
    level = reader(tree.recorded_by) if reader is not None and tree.recorded_by_id else None
    return Card(
        tree_id=tree.pk,
        species_code=tree.species.code if tree.species_id else None,
        species_name=(tree.species.common_name_es or tree.species.scientific_name)
        if tree.species_id
        else _("Unknown species"),
        scientific_name=tree.species.scientific_name if tree.species_id else "",
        dbh_cm=float(tree.dbh_cm) if tree.dbh_cm is not None else None,
        lon=round(tree.site.location.x, 6),
        lat=round(tree.site.location.y, 6),
        municipality=tree.site.municipality.name,
        recorded_at=tree.recorded_at.isoformat(),
        recorder_name=str(tree.recorded_by) if tree.recorded_by_id else _("Imported"),
        recorder_level=level.value if level else "",
        recorder_level_label=str(level.label) if level else "",
        photo_url=photo.image.url if photo and photo.image else None,
        thumbnail_url=photo.thumbnail.url if photo and photo.thumbnail else None,
        escalated=bool(getattr(tree, "escalated", False)),
        remaining=review_queue(user).count(),
        duplicate_note=duplicates.note_for_validators(tree),
    )


# --- track records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TrackRecord:
    agreeing: int
    decided: int

    @property
    def weight(self) -> float:
        return round((self.agreeing + PRIOR_AGREEING) / (self.decided + PRIOR_VOTES), 4)

    @property
    def agreement(self) -> float | None:
        return self.agreeing / self.decided if self.decided else None


def track_record(voter) -> TrackRecord:
    """How often the person's votes matched the final decision (votes that decided alone
    as arborist are left out: they agree by definition)."""
    rows = (
        Vote.objects.filter(voter=voter, tree__validation_decision__isnull=False)
        .exclude(tree__validation_decision__decided_by=voter)
        .values_list("kind", "tree__validation_decision__outcome")
    )
    decided = agreeing = 0
    for kind, outcome in rows:
        decided += 1
        agreeing += OUTCOME_OF_VOTE[kind] == outcome
    return TrackRecord(agreeing=agreeing, decided=decided)


def recorder_accuracy(user, last_n: int) -> tuple[float | None, int]:
    """Share of the person's last N decided records that were validated as recorded."""
    outcomes = list(
        Decision.objects.filter(tree__recorded_by=user)
        .order_by("-decided_at", "-pk")
        .values_list("outcome", flat=True)[:last_n]
    )
    if not outcomes:
        return None, 0
    right = sum(1 for outcome in outcomes if outcome == Outcome.VALIDATED)
    return right / len(outcomes), len(outcomes)


# --- feedback --------------------------------------------------------------------------------


def feedback_summary(decision: Decision) -> list[str]:
    """What changed on the record, in sentences."""
    lines = [_("Decision: %(outcome)s.") % {"outcome": decision.get_outcome_display()}]
    if decision.corrected_species_id:
        before = decision.previous_species or _("unknown species")
        lines.append(
            _("Species: %(before)s → %(after)s.")
            % {"before": before, "after": decision.corrected_species}
        )
    if decision.corrected_dbh_cm is not None:
        before = decision.previous_dbh_cm if decision.previous_dbh_cm is not None else "—"
        lines.append(
            _("Trunk diameter: %(before)s cm → %(after)s cm.")
            % {"before": before, "after": decision.corrected_dbh_cm}
        )
    if decision.reason:
        lines.append(_("Why: %(reason)s") % {"reason": decision.reason})
    return lines


NOTIFICATION_SOURCE = "validation"


def notifications_for(user) -> QuerySet[Notification]:
    """The recorder's notifications, each with its decision as `about` (tree and species read)."""
    decisions = Decision.objects.select_related(
        "tree", "tree__species", "corrected_species", "previous_species"
    )
    return notifications.of(user, NOTIFICATION_SOURCE).prefetch_related(
        GenericPrefetch("about", [decisions])
    )


def lesson_of(note: Notification) -> str:
    return note.params.get("lesson", "")


def unread_count(user) -> int:
    return notifications.unread_count(user, NOTIFICATION_SOURCE)


# --- the work queue --------------------------------------------------------------------------


def work_items(
    *,
    municipality,
    flags: tuple[str, ...] = (),
    statuses: tuple[str, ...] = (),
    ratings: tuple[str, ...] = (),
    assignee=None,
) -> QuerySet[WorkItem]:
    """The municipality's queue, riskiest first, then soonest due (decision 0072)."""
    qs = WorkItem.objects.filter(municipality=municipality)
    if ratings:
        qs = qs.filter(risk_rating__in=ratings)
    if assignee is not None:
        qs = qs.filter(assignee=assignee)
    if flags:
        condition = Q()
        for flag in flags:
            condition |= Q(**{flag: True})
        qs = qs.filter(condition)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return qs.select_related("tree", "tree__species", "tree__site", "assignee").order_by(
        "-risk_priority", F("due_date").asc(nulls_last=True), "reported_at", "pk"
    )


def queue_municipalities(user):
    return municipalities_where(user, Role.ARBORIST, Role.MUNICIPAL_STAFF)


# --- the dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    submitted: int
    validated: int
    rejected: int
    needs_correction: int
    pending: int
    escalated: int
    active_7: int
    active_30: int
    reviewer_agreement: float | None
    median_hours_to_validation: float | None
    open_work_items: int


def dashboard(municipality) -> Dashboard:
    # Citizens' records: imported inventories and synthetic benchmark trees are not reviewed.
    trees = Tree.objects.filter(site__municipality=municipality, source=Source.CAPTURE)
    decisions = Decision.objects.filter(tree__site__municipality=municipality)
    now = timezone.now()

    def active(days: int) -> int:
        since = now - timedelta(days=days)
        recorders = trees.filter(recorded_at__gte=since, recorded_by__isnull=False).values(
            "recorded_by_id"
        )
        voters = Vote.objects.filter(
            tree__site__municipality=municipality, cast_at__gte=since
        ).values("voter_id")
        return recorders.order_by().union(voters.order_by()).count()

    by_outcome = dict.fromkeys(Outcome.values, 0)
    for row in decisions.values("outcome").annotate(n=Count("pk")).order_by():
        by_outcome[row["outcome"]] = row["n"]
    outcome = "tree__validation_decision__outcome"
    agree = (
        Q(kind__in=[VoteKind.CONFIRM, VoteKind.FLAG], **{outcome: Outcome.VALIDATED})
        | Q(kind=VoteKind.NEEDS_CORRECTION, **{outcome: Outcome.NEEDS_CORRECTION})
        | Q(kind=VoteKind.REJECT, **{outcome: Outcome.REJECTED})
    )
    # Arborists who decided alone agree with themselves: their votes are left out.
    votes = (
        Vote.objects.filter(
            tree__site__municipality=municipality, tree__validation_decision__isnull=False
        )
        .exclude(tree__validation_decision__decided_by=F("voter"))
        .aggregate(total=Count("pk"), agreeing=Count("pk", filter=agree))
    )
    waits = decisions.annotate(
        wait=ExpressionWrapper(F("decided_at") - F("tree__recorded_at"), DurationField())
    ).values_list("wait", flat=True)
    hours = [wait.total_seconds() / 3600 for wait in waits]
    return Dashboard(
        submitted=trees.count(),
        validated=by_outcome[Outcome.VALIDATED],
        rejected=by_outcome[Outcome.REJECTED],
        needs_correction=by_outcome[Outcome.NEEDS_CORRECTION],
        pending=trees.exclude(Exists(Decision.objects.filter(tree=OuterRef("pk")))).count(),
        escalated=Escalation.objects.filter(tree__site__municipality=municipality).count(),
        active_7=active(7),
        active_30=active(30),
        reviewer_agreement=round(votes["agreeing"] / votes["total"], 3) if votes["total"] else None,
        median_hours_to_validation=round(statistics.median(hours), 1) if hours else None,
        open_work_items=WorkItem.objects.filter(
            municipality=municipality,
            status__in=[WorkStatus.REPORTED, WorkStatus.INSPECTED],
        ).count(),
    )
