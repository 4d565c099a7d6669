"""The change history in the admin: read only, as every app's services wrote it (decision 0090)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ChangeRecord, OutgoingEmail


def changed_fields(record: ChangeRecord) -> str:
    """ "field: old → new" for each changed field, and the reason, one per line."""
    parts = [f"{c.get('field')}: {c.get('old', '')} → {c.get('new', '')}" for c in record.changes]
    if record.reason:
        parts.append(f"{_('reason')}: {record.reason}")
    return "\n".join(parts)


changed_fields.short_description = _("changes")  # type: ignore[attr-defined]


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """A list to read: what the platform's services wrote is never added, changed or deleted
    in the admin."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyModelAdmin):
    list_display = (
        "changed_at",
        "content_type",
        "object_id",
        "action",
        changed_fields,
        "changed_by",
    )
    list_filter = ("action", "content_type")
    list_select_related = ("content_type", "changed_by")


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox, to see what waits or failed (decision 0111); nothing is edited here."""

    list_display = ["subject", "to", "status", "attempts", "next_attempt_at", "created_at"]
    list_filter = ["status"]
    search_fields = ["to"]
    readonly_fields = [
        "to", "subject", "body", "status", "attempts", "next_attempt_at", "last_error",
        "created_at", "sent_at", "about",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False
