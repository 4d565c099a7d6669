"""Treender: votes on tree records, the decisions they lead to, feedback and the work queue.

Every vote and decision is kept (who, when, what, why): together with the trees' change
history they are the audit trail of a record's validation.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from metropoli.territory.models import Municipality
from metropoli.trees.models import Species, Tree

from . import risk


class ConsensusPolicy(models.Model):
    """How one municipality's records are decided. Without a row, the defaults apply."""

    municipality = models.OneToOneField(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        related_name="consensus_policy",
    )
    arborist_decides_alone = models.BooleanField(
        _("a municipal arborist decides alone"),
        default=True,
        help_text=_("When off, arborists' votes count like experts' votes."),
    )
    agreeing_votes = models.PositiveSmallIntegerField(_("agreeing expert votes needed"), default=2)
    minimum_weight = models.FloatField(
        _("minimum summed weight"),
        default=1.0,
        help_text=_(
            "The agreeing votes' weights (each voter's track record, between 0 and 1) must "
            "add up to at least this."
        ),
    )

    class Meta:
        verbose_name = _("consensus policy")
        verbose_name_plural = _("consensus policies")

    def __str__(self) -> str:
        return str(self.municipality)


class VoteKind(models.TextChoices):
    CONFIRM = "confirm", _("Confirm")
    NEEDS_CORRECTION = "needs_correction", _("Needs correction")
    REJECT = "reject", _("Reject")
    FLAG = "flag", _("Flag a problem")


class Outcome(models.TextChoices):
    VALIDATED = "validated", _("Validated")
    NEEDS_CORRECTION = "needs_correction", _("Needs correction")
    REJECTED = "rejected", _("Rejected")


# A flag says the tree is right but needs attention; it counts as a confirmation.
OUTCOME_OF_VOTE = {
    VoteKind.CONFIRM: Outcome.VALIDATED,
    VoteKind.FLAG: Outcome.VALIDATED,
    VoteKind.NEEDS_CORRECTION: Outcome.NEEDS_CORRECTION,
    VoteKind.REJECT: Outcome.REJECTED,
}


class Flag(models.TextChoices):
    DISEASE = "disease", _("Disease")
    PEST = "pest", _("Pest")
    RISK = "risk", _("Risk of falling")
    DEAD = "dead", _("Dead")


class Vote(models.Model):
    """One reviewer's opinion on one tree record."""

    tree = models.ForeignKey(
        Tree, verbose_name=_("tree"), on_delete=models.CASCADE, related_name="validation_votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voter"),
        on_delete=models.CASCADE,
        related_name="validation_votes",
    )
    kind = models.CharField(_("vote"), max_length=20, choices=VoteKind.choices)
    reason = models.TextField(_("reason"), blank=True, max_length=1000)
    corrected_species = models.ForeignKey(
        Species,
        verbose_name=_("corrected species"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_dbh_cm = models.DecimalField(
        _("corrected trunk diameter (cm)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    flag_disease = models.BooleanField(_("disease"), default=False)
    flag_pest = models.BooleanField(_("pest"), default=False)
    flag_risk = models.BooleanField(_("risk of falling"), default=False)
    flag_dead = models.BooleanField(_("dead"), default=False)
    as_arborist = models.BooleanField(_("cast as municipal arborist"), default=False)
    weight = models.FloatField(_("weight used"))
    cast_at = models.DateTimeField(_("cast at"), auto_now_add=True)

    class Meta:
        ordering = ["cast_at", "pk"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["tree", "voter"], name="one_vote_per_tree_and_voter")
        ]

    def __str__(self) -> str:
        return f"{self.voter} · {self.get_kind_display()} · #{self.tree_id}"

    @property
    def outcome(self) -> str:
        return OUTCOME_OF_VOTE[self.kind]

    @property
    def flags(self) -> list[str]:
        return [flag for flag in Flag.values if getattr(self, f"flag_{flag}")]


class DecisionRule(models.TextChoices):
    ARBORIST = "arborist", _("A municipal arborist decided")
    CONSENSUS = "consensus", _("Agreeing certified experts")


class Decision(models.Model):
    """The final word on a tree record."""

    tree = models.OneToOneField(
        Tree, verbose_name=_("tree"), on_delete=models.CASCADE, related_name="validation_decision"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    rule = models.CharField(_("rule that decided"), max_length=12, choices=DecisionRule.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the experts' consensus decided."),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    reason = models.TextField(_("reason"), blank=True)
    corrected_species = models.ForeignKey(
        Species,
        verbose_name=_("corrected species"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    corrected_dbh_cm = models.DecimalField(
        _("corrected trunk diameter (cm)"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    # What the record said before the decision changed it (shown in the feedback).
    previous_species = models.ForeignKey(
        Species,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("species before"),
    )
    previous_dbh_cm = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, verbose_name=_("DBH before (cm)")
    )
    # The recorder's notification of it (notifications app), deleted with it.
    notifications = GenericRelation(
        "notifications.Notification",
        verbose_name=_("notifications"),
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="decision",
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"#{self.tree_id} · {self.get_outcome_display()}"


class Escalation(models.Model):
    """Experts disagreed: the record waits for an arborist."""

    tree = models.OneToOneField(
        Tree, on_delete=models.CASCADE, related_name="validation_escalation", verbose_name=_("tree")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("escalated at"))

    class Meta:
        verbose_name = _("record waiting for an arborist")
        verbose_name_plural = _("records waiting for an arborist")

    def __str__(self) -> str:
        return f"#{self.tree_id}"


class WorkStatus(models.TextChoices):
    REPORTED = "reported", _("Reported")
    INSPECTED = "inspected", _("Inspected")
    TREATED = "treated", _("Treated")
    REMOVED = "removed", _("Removed")


# Where an item may go from each status.
NEXT_STATUSES = {
    WorkStatus.REPORTED: {WorkStatus.INSPECTED, WorkStatus.TREATED, WorkStatus.REMOVED},
    WorkStatus.INSPECTED: {WorkStatus.TREATED, WorkStatus.REMOVED},
    WorkStatus.TREATED: {WorkStatus.INSPECTED},
    WorkStatus.REMOVED: set(),
}


# Costs are pesos: a Decimal amount beside its currency code (decision 0071).
COST_CURRENCY = "MXN"


def _choices(scale: type[risk.Scale]) -> list[tuple[str, str]]:
    # The pure module marks its labels with gettext_noop; they are translated here, lazily.
    return [(step.value, _(step.label)) for step in scale]


FAILURE_LIKELIHOODS = _choices(risk.Failure)
IMPACT_LIKELIHOODS = _choices(risk.Impact)
FAILURE_AND_IMPACT_LIKELIHOODS = _choices(risk.FailureAndImpact)
CONSEQUENCES = _choices(risk.Consequences)
RISK_RATINGS = _choices(risk.Rating)


class WorkItem(models.Model):
    """A flagged tree in its municipality's work queue."""

    tree = models.OneToOneField(
        Tree, verbose_name=_("tree"), on_delete=models.CASCADE, related_name="work_item"
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    disease = models.BooleanField(_("disease"), default=False)
    pest = models.BooleanField(_("pest"), default=False)
    risk = models.BooleanField(_("risk of falling"), default=False)
    dead = models.BooleanField(_("dead"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=WorkStatus.choices, default=WorkStatus.REPORTED
    )
    reported_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The work order (decision 0071): who does it, by when, at what cost.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned arborist"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_work_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, null=True, blank=True)
    cost_currency = models.CharField(_("currency"), max_length=3, default=COST_CURRENCY)
    # The latest risk assessment's rating and its rank: the queue's first sort key (decision 0072).
    risk_rating = models.CharField(
        _("risk rating"), max_length=10, choices=RISK_RATINGS, blank=True, default=""
    )
    risk_priority = models.PositiveSmallIntegerField(_("risk priority"), default=0)

    class Meta:
        ordering = ["-risk_priority", "due_date", "reported_at", "pk"]
        verbose_name = _("work item")
        verbose_name_plural = _("work queue")
        indexes = [models.Index(fields=["municipality", "status"], name="validation_work_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(disease=True) | Q(pest=True) | Q(risk=True) | Q(dead=True),
                name="work_item_has_a_flag",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.tree_id} · {self.get_status_display()}"

    @property
    def flags(self) -> list[str]:
        return [flag for flag in Flag.values if getattr(self, flag)]


class WorkItemChange(models.Model):
    """One status change of a work item: who, when, from → to, and a note."""

    item = models.ForeignKey(WorkItem, on_delete=models.CASCADE, related_name="changes")
    old_status = models.CharField(max_length=10, choices=WorkStatus.choices, blank=True)
    new_status = models.CharField(max_length=10, choices=WorkStatus.choices)
    note = models.TextField(blank=True, max_length=1000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.item_id} · {self.old_status} → {self.new_status}"


class RiskAssessment(models.Model):
    """One ISA tree risk assessment of a work item's tree: the judgements and the matrices'
    results (validation/risk.py). Every assessment is kept; the latest sets the item's rating."""

    item = models.ForeignKey(
        WorkItem, verbose_name=_("work item"), on_delete=models.CASCADE, related_name="assessments"
    )
    target = models.CharField(pgettext_lazy("tree risk", "target"), max_length=200, blank=True)
    likelihood_of_failure = models.CharField(
        _("likelihood of failure"), max_length=16, choices=FAILURE_LIKELIHOODS
    )
    likelihood_of_impact = models.CharField(
        _("likelihood of impacting the target"), max_length=16, choices=IMPACT_LIKELIHOODS
    )
    failure_and_impact = models.CharField(
        _("likelihood of failure and impact"),
        max_length=16,
        choices=FAILURE_AND_IMPACT_LIKELIHOODS,
    )
    consequences = models.CharField(_("consequences"), max_length=16, choices=CONSEQUENCES)
    rating = models.CharField(_("risk rating"), max_length=10, choices=RISK_RATINGS)
    notes = models.TextField(_("notes"), blank=True, max_length=1000)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed at"), auto_now_add=True)

    class Meta:
        ordering = ["-assessed_at", "-pk"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self) -> str:
        return f"#{self.item_id} · {self.get_rating_display()}"
