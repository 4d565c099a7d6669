"""Every write of Treender and the work queue: one transaction each.

A vote locks its tree's row (SELECT … FOR UPDATE) before reading the other votes, so two
reviewers voting at the same moment are counted one after the other and reach one decision.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from metropoli.common.api import require
from metropoli.common.errors import DomainError
from metropoli.common.i18n import gettext_noop
from metropoli.common.ratelimit import enforce
from metropoli.trees import services as tree_services
from metropoli.trees.models import Tree, ValidationState

from . import notices, selectors
from .errors import ValidationErrorCode
from .models import (
    NEXT_STATUSES,
    OUTCOME_OF_VOTE,
    ConsensusPolicy,
    Decision,
    DecisionRule,
    Escalation,
    Flag,
    Outcome,
    Vote,
    VoteKind,
    WorkItem,
    WorkItemChange,
    WorkStatus,
)

logger = logging.getLogger(__name__)

# Lessons (learning module slugs) that explain what a decision corrected.
LESSON_FOR_SPECIES = "arboles-comunes-guadalajara"
LESSON_FOR_DBH = "medir-dap"
LESSON_FOR_RECORDING = "buen-registro"

# DBH corrections from different experts agree when they are within this share of each other.
DBH_AGREEMENT = Decimal("0.10")


@dataclass
class VoteResult:
    vote: Vote
    decision: Decision | None
    escalated: bool


def policy_for(municipality) -> ConsensusPolicy:
    """The municipality's policy, or the defaults (unsaved) when it has none."""
    found = ConsensusPolicy.objects.filter(municipality=municipality).first()
    return found or ConsensusPolicy(municipality=municipality)


@transaction.atomic
def set_policy(
    *, by, municipality, arborist_decides_alone: bool, agreeing_votes: int, minimum_weight: float
) -> ConsensusPolicy:
    """Staff set how their municipality's records are decided (votes already cast stay; the
    next vote on a record is judged by the new policy)."""
    require(
        by,
        "validation.change_policy",
        municipality,
        code=ValidationErrorCode.PERMISSION_DENIED,
        message=gettext_noop("Only municipal staff of %(municipality)s can change its policy."),
        municipality=str(municipality),
    )
    policy, _created = ConsensusPolicy.objects.select_for_update().get_or_create(
        municipality=municipality
    )
    policy.arborist_decides_alone = arborist_decides_alone
    policy.agreeing_votes = agreeing_votes
    policy.minimum_weight = minimum_weight
    policy.save()
    return policy


def _check_vote_input(
    *, kind: str, reason: str, corrected_species_code: str | None, corrected_dbh_cm, flags
):
    if kind not in VoteKind.values:
        raise DomainError(ValidationErrorCode.INVALID_VOTE, kind=kind)
    flags = list(dict.fromkeys(flags or ()))
    unknown = [flag for flag in flags if flag not in Flag.values]
    if unknown:
        raise DomainError(ValidationErrorCode.INVALID_FLAG, flags=", ".join(unknown))
    if kind == VoteKind.FLAG and not flags:
        raise DomainError(ValidationErrorCode.FLAG_REQUIRED)
    if kind != VoteKind.FLAG and flags:
        raise DomainError(
            ValidationErrorCode.INVALID_FLAG, gettext_noop("Only a flag vote carries flags.")
        )
    reason = (reason or "").strip()
    if kind in (VoteKind.NEEDS_CORRECTION, VoteKind.REJECT) and not reason:
        raise DomainError(ValidationErrorCode.REASON_REQUIRED)
    if len(reason) > 1000:
        raise DomainError(ValidationErrorCode.REASON_TOO_LONG)
    species = dbh = None
    if corrected_species_code or corrected_dbh_cm not in (None, ""):
        if kind != VoteKind.NEEDS_CORRECTION:
            raise DomainError(ValidationErrorCode.CORRECTION_WITHOUT_VOTE)
        species = tree_services.species_for_code(corrected_species_code)
        dbh = tree_services.check_dbh(corrected_dbh_cm)
    return reason, species, dbh, flags


def cast_vote(
    *,
    tree: Tree,
    voter,
    kind: str,
    reason: str = "",
    corrected_species_code: str | None = None,
    corrected_dbh_cm: Decimal | float | str | None = None,
    flags: list[str] | tuple[str, ...] = (),
) -> VoteResult:
    """Record a reviewer's vote; decide the record when the municipality's policy says so."""
    if not getattr(voter, "is_authenticated", False):
        raise DomainError(ValidationErrorCode.NOT_AUTHENTICATED)
    reason, species, dbh, flags = _check_vote_input(
        kind=kind,
        reason=reason,
        corrected_species_code=corrected_species_code,
        corrected_dbh_cm=corrected_dbh_cm,
        flags=flags,
    )
    enforce(
        "validation.vote",
        str(voter.pk),
        limit=settings.VALIDATION_VOTES_PER_MINUTE,
        window=60,
        message=ValidationErrorCode.RATE_LIMITED.message,
    )
    with transaction.atomic():
        locked = (
            Tree.objects.select_for_update(of=("self",))
            .select_related("site__municipality", "species", "recorded_by")
            .filter(pk=tree.pk)
            .first()
        )
        if locked is None:
            raise DomainError(ValidationErrorCode.NOT_FOUND)
        municipality = locked.site.municipality
        require(
            voter,
            "validation.vote",
            municipality,
            code=ValidationErrorCode.PERMISSION_DENIED,
            message=gettext_noop(
                "Only certified experts and arborists of %(municipality)s can validate its records."
            ),
            municipality=municipality.name,
        )
        if locked.recorded_by_id == voter.pk:
            raise DomainError(ValidationErrorCode.OWN_RECORD)
        if Decision.objects.filter(tree=locked).exists():
            raise DomainError(ValidationErrorCode.ALREADY_DECIDED)
        if Vote.objects.filter(tree=locked, voter=voter).exists():
            raise DomainError(ValidationErrorCode.ALREADY_VOTED)
        as_arborist = voter.has_perm("validation.decide", municipality)
        vote = Vote.objects.create(
            tree=locked,
            voter=voter,
            kind=kind,
            reason=reason,
            corrected_species=species,
            corrected_dbh_cm=dbh,
            as_arborist=as_arborist,
            weight=1.0 if as_arborist else selectors.track_record(voter).weight,
            **{f"flag_{flag}": True for flag in flags},
        )
        if flags:
            _report(tree=locked, flags=flags, reported_by=voter)
        return _consensus(tree=locked, vote=vote)


def _consensus(*, tree: Tree, vote: Vote) -> VoteResult:
    policy = policy_for(tree.site.municipality)
    escalated = Escalation.objects.filter(tree=tree).exists()
    if vote.as_arborist and (policy.arborist_decides_alone or escalated):
        decision = _decide(
            tree=tree,
            outcome=vote.outcome,
            rule=DecisionRule.ARBORIST,
            actor=vote.voter,
            reason=vote.reason,
            species=vote.corrected_species,
            dbh=vote.corrected_dbh_cm,
        )
        return VoteResult(vote, decision, escalated=False)
    votes = list(Vote.objects.filter(tree=tree).select_related("corrected_species"))
    outcomes = {OUTCOME_OF_VOTE[v.kind] for v in votes}
    if len(outcomes) > 1:
        Escalation.objects.get_or_create(tree=tree)
        return VoteResult(vote, None, escalated=True)
    enough = len(votes) >= policy.agreeing_votes and (
        sum(v.weight for v in votes) >= policy.minimum_weight
    )
    if not enough:
        return VoteResult(vote, None, escalated=escalated)
    species, dbh, agree = _agreed_correction(votes)
    if not agree:
        Escalation.objects.get_or_create(tree=tree)
        return VoteResult(vote, None, escalated=True)
    reasons = "\n".join(dict.fromkeys(v.reason for v in votes if v.reason))
    decision = _decide(
        tree=tree,
        outcome=vote.outcome,
        rule=DecisionRule.CONSENSUS,
        actor=vote.voter,
        reason=reasons,
        species=species,
        dbh=dbh,
    )
    return VoteResult(vote, decision, escalated=False)


def _agreed_correction(votes: list[Vote]):
    """The corrections the votes agree on: (species, dbh, agree)."""
    species = {v.corrected_species_id: v.corrected_species for v in votes if v.corrected_species}
    if len(species) > 1:
        return None, None, False
    sizes = [v.corrected_dbh_cm for v in votes if v.corrected_dbh_cm is not None]
    dbh = None
    if sizes:
        if max(sizes) - min(sizes) > DBH_AGREEMENT * min(sizes):
            return None, None, False
        dbh = (sum(sizes) / len(sizes)).quantize(Decimal("0.1"))
    return next(iter(species.values()), None), dbh, True


def _decide(*, tree: Tree, outcome: str, rule: str, actor, reason: str, species, dbh) -> Decision:
    decision = Decision.objects.create(
        tree=tree,
        outcome=outcome,
        rule=rule,
        decided_by=actor if rule == DecisionRule.ARBORIST else None,
        reason=reason,
        corrected_species=species if species and species.pk != tree.species_id else None,
        corrected_dbh_cm=dbh if dbh is not None and dbh != tree.dbh_cm else None,
        previous_species=tree.species,
        previous_dbh_cm=tree.dbh_cm,
    )
    changes = {}
    if decision.corrected_species is not None:
        changes["species_code"] = decision.corrected_species.code
    if decision.corrected_dbh_cm is not None:
        changes["dbh_cm"] = decision.corrected_dbh_cm
    if outcome == Outcome.NEEDS_CORRECTION and changes:
        # The trees' own service keeps the history (and so the eco-benefits) right.
        tree_services.update_tree(tree=tree, changed_by=actor, changes=changes)
    state = _state_after(outcome, corrected=bool(changes))
    if state is not None:
        tree_services.set_validation_state(tree=tree, state=state, changed_by=actor)
    Escalation.objects.filter(tree=tree).delete()
    notices.notify_recorder(tree=tree, decision=decision, lesson=lesson_for(decision))
    return decision


def _state_after(outcome: str, *, corrected: bool) -> str | None:
    if outcome == Outcome.VALIDATED or (outcome == Outcome.NEEDS_CORRECTION and corrected):
        return ValidationState.VALIDATED
    if outcome == Outcome.REJECTED:
        return ValidationState.REJECTED
    # Needs correction without a correction given: the record waits for its recorder.
    return ValidationState.NEEDS_CORRECTION


def lesson_for(decision: Decision) -> str:
    if decision.corrected_species_id:
        return LESSON_FOR_SPECIES
    if decision.corrected_dbh_cm is not None:
        return LESSON_FOR_DBH
    if decision.outcome != Outcome.VALIDATED:
        return LESSON_FOR_RECORDING
    return ""


@transaction.atomic
def mark_notifications_read(*, user) -> int:
    return notices.mark_read(user)


# --- the municipal work queue ----------------------------------------------------------------


def _report(*, tree: Tree, flags: list[str], reported_by) -> WorkItem:
    """Add the flags to the tree's work item (opening it again if it was treated)."""
    item = WorkItem.objects.select_for_update().filter(tree=tree).first()
    if item is None:
        item = WorkItem.objects.create(
            tree=tree, municipality=tree.site.municipality, **{flag: True for flag in flags}
        )
        WorkItemChange.objects.create(
            item=item,
            new_status=WorkStatus.REPORTED,
            changed_by=reported_by,
            note=", ".join(str(Flag(flag).label) for flag in flags),
        )
        return item
    for flag in flags:
        setattr(item, flag, True)
    if item.status == WorkStatus.TREATED:
        WorkItemChange.objects.create(
            item=item,
            old_status=item.status,
            new_status=WorkStatus.REPORTED,
            changed_by=reported_by,
            note=_("Reported again"),
        )
        item.status = WorkStatus.REPORTED
    item.save()
    return item


@transaction.atomic
def set_work_status(*, item: WorkItem, status: str, changed_by, note: str = "") -> WorkItem:
    """Move a flagged tree along reported → inspected → treated / removed."""
    item = WorkItem.objects.select_for_update().select_related("municipality").get(pk=item.pk)
    require(
        changed_by,
        "validation.manage_queue",
        item.municipality,
        code=ValidationErrorCode.PERMISSION_DENIED,
        municipality=item.municipality.name,
    )
    if status not in WorkStatus.values:
        raise DomainError(ValidationErrorCode.INVALID_STATUS, status=status)
    if status not in NEXT_STATUSES[WorkStatus(item.status)]:
        raise DomainError(
            ValidationErrorCode.INVALID_TRANSITION,
            old=WorkStatus(item.status).label,
            new=WorkStatus(status).label,
        )
    WorkItemChange.objects.create(
        item=item,
        old_status=item.status,
        new_status=status,
        note=(note or "")[:1000],
        changed_by=changed_by,
    )
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    return item
