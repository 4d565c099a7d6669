"""The networks the institute belongs to and the awards it applied for or won."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NetworkMembership(models.Model):
    network = models.CharField(_("network"), max_length=200, unique=True)
    member = models.CharField(
        _("member"), max_length=200, help_text=_("Who is the member, e.g. Guadalajara or IMEPLAN.")
    )
    since = models.PositiveSmallIntegerField(_("member since (year)"), null=True, blank=True)
    since_note = models.CharField(_("detail"), max_length=200, blank=True)
    focal_point = models.CharField(_("focal point"), max_length=200, blank=True)
    url = models.URLField(_("address (URL)"), blank=True)

    class Meta:
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        ordering = ["since", "network"]

    def __str__(self) -> str:
        return self.network


class AwardStatus(models.TextChoices):
    # "award": Spanish agrees with «premio» (masculine), not with «convocatoria» (Opportunity).
    APPLIED = "applied", pgettext_lazy("award", "Applied")
    WON = "won", pgettext_lazy("award", "Won")
    NOT_WON = "not_won", pgettext_lazy("award", "Not won")


class Award(models.Model):
    name = models.CharField(_("award"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=AwardStatus.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    project = models.ForeignKey(
        "cooperation.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("project"),
    )

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="coop_unique_award_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"
