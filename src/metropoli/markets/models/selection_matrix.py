"""The pilot-market selection matrix: criteria, candidate markets and their scores."""

from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from metropoli.territory.models import Municipality

from .market import Market


class Direction(models.TextChoices):
    BENEFIT = "benefit", _("Benefit (more is better)")
    COST = "cost", _("Cost (less is better)")


class SelectionCriterion(models.Model):
    """A column of the pilot-market selection matrix."""

    key = models.SlugField(_("key"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.BENEFIT
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    illustrative = models.BooleanField(
        _("illustrative values"),
        default=False,
        help_text=_("The values are examples, not measurements."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("selection criterion")
        verbose_name_plural = _("selection criteria")
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive")
        ]

    def __str__(self) -> str:
        return self.name


class SelectionCandidate(models.Model):
    """A candidate pilot market (a catalogue market or just a name)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("candidate market")
        verbose_name_plural = _("candidate markets")

    def __str__(self) -> str:
        return self.name


class SelectionScore(models.Model):
    candidate = models.ForeignKey(
        SelectionCandidate, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(SelectionCriterion, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=3)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "criterion"], name="unique_score")
        ]
