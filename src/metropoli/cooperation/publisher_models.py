"""The institute as IATI publisher, set by the cooperation office in the interface
(/cooperacion/publicacion/): one row. Until it is saved, the deployment's settings are the
fallback (METROPOLI_IATI_REPORTING_ORG_REF and _TYPE, decision 0080)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublisherLanguage(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")


class PublisherSettings(models.Model):
    reporting_org_ref = models.CharField(
        _("reporting organisation identifier"),
        max_length=100,
        help_text=_(
            "The institute's IATI organisation identifier: the registration agency's prefix "
            "and the number it gave, e.g. MX-RFC-IMP140101AB1."
        ),
    )
    reporting_org_type = models.CharField(_("reporting organisation type"), max_length=2)
    reporting_org_name = models.CharField(_("reporting organisation name"), max_length=200)
    default_language = models.CharField(
        _("default language"),
        max_length=2,
        choices=PublisherLanguage.choices,
        default=PublisherLanguage.SPANISH,
    )
    default_currency = models.CharField(_("default currency"), max_length=3, default="MXN")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        verbose_name = _("IATI publisher settings")
        verbose_name_plural = _("IATI publisher settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="coop_one_publisher_row")
        ]

    def __str__(self) -> str:
        return f"{self.reporting_org_name} ({self.reporting_org_ref})"
