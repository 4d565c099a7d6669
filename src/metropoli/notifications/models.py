"""One notification model for every module (docs/decisions/0091-one-notification-model.md)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EmailStatus(models.TextChoices):
    """Where the e-mail copy is. A row leaves PENDING once, for SENDING, in its own committed
    claim; only the run that claimed it talks to the SMTP server."""

    NONE = "none", _("Not e-mailed")
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class Notification(models.Model):
    """A message to a person (in the app, and by e-mail when it has an address), written in the
    language chosen when it was made; what it is about is kept for the module's own pages."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("Empty for a guest, who is only written to by e-mail."),
    )
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("Where the e-mail copy goes; empty: none.")
    )
    source = models.CharField(_("module"), max_length=30)
    kind = models.CharField(_("kind"), max_length=30)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    about_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (kind of record)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    about_id = models.PositiveBigIntegerField(_("about (record number)"), null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    about.verbose_name = _("what it is about")  # the constructor takes none
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_status = models.CharField(
        _("e-mail"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.NONE
    )
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "source", "-created_at"], name="notification_list"),
            models.Index(fields=["about_type", "about_id"], name="notification_about"),
        ]

    def __str__(self) -> str:
        return self.subject
