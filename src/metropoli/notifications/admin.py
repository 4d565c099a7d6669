from django.contrib import admin

from .models import Notification, OutgoingEmail


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "email", "source", "kind", "created_at", "email_status"]
    list_filter = ["source", "kind", "email_status"]
    readonly_fields = [
        "recipient",
        "email",
        "source",
        "kind",
        "subject",
        "body",
        "link",
        "params",
        "about_type",
        "about_id",
        "read_at",
        "email_status",
        "emailed_at",
    ]


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, to see what waits or failed (decision 0111); nothing is edited here."""

    list_display = ["subject", "to", "status", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["to"]
    readonly_fields = [
        "to", "subject", "body", "status", "attempts", "next_attempt_at", "last_error",
        "created_at", "sent_at", "notification_id",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False
