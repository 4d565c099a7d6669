"""The tables of the shared edge: requests already carried out (by idempotency key), the one
change history of every app, and the e-mail outbox."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdempotencyRecord(models.Model):
    """A keyed write already carried out: its caller's retry gets the same result.

    `action` names the endpoint ("markets.order"), `scope` the caller ("user:12",
    "token:<sha-256>", "session:<sha-256>"), `request_hash` the body it was made with, and
    `result_id` the primary key of what it created (docs/decisions/0046-idempotency-keys.md).
    """

    action = models.CharField(max_length=40)
    scope = models.CharField(max_length=80)
    key = models.CharField(max_length=80)
    request_hash = models.CharField(max_length=64)
    # Filled in the same transaction, right after the write created its result.
    result_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["action", "scope", "key"], name="unique_idempotency_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.scope} {self.key}"


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")


class ChangeRecord(models.Model):
    """One change of one record, for every app: what (content type + id), who, when, which
    action, each changed field's old and new value, and an optional reason.

    Written only through `metropoli.common.history.record_change` (or its bulk form), read
    through `metropoli.common.history` (docs/decisions/0090-one-change-history.md). Keeps
    plain ids, not foreign keys, so the history outlives the record it tells about. ``parent``
    files a change in a second history too: a planting site's change under the tree that
    stands on it. ``changes`` is a list of ``{"field", "old", "new"}`` (values as text) in the
    order they were written.
    """

    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.BigIntegerField(_("changed record"))
    subject = GenericForeignKey("content_type", "object_id")  # None once the record is gone
    subject.verbose_name = _("record")  # GenericForeignKey takes no verbose_name argument
    parent_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("kind of parent record"),
    )
    parent_id = models.BigIntegerField(_("parent record"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=8, choices=ChangeAction.choices)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("change")
        verbose_name_plural = _("change history")
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="change_record_object"),
            models.Index(fields=["parent_type", "parent_id"], name="change_record_parent"),
        ]

    def __str__(self) -> str:
        fields = ", ".join(change.get("field", "") for change in self.changes)
        return f"{self.action} {self.content_type_id}:{self.object_id} {fields}"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class OutgoingEmail(models.Model):
    """One e-mail waiting for, or given to, the SMTP server (decision 0111): every e-mail of the
    platform goes through this outbox (common/outbox.py), so that an SMTP server that is down or
    refusing delays messages instead of losing them. The text is emptied once sent (it may hold
    a one-time link)."""

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # What the e-mail is a copy of, for the app that sent it (e.g. "notification:12"); told
    # to it by the signal outbox.email_settled. Empty for plain messages.
    about = models.CharField(_("about"), max_length=60, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
