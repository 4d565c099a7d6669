"""Helpers for the tests of the data migrations that moved each module's notifications here."""

from metropoli.common.testing import migrate, migrate_to_latest

from .models import Notification

__all__ = ["KEPT", "migrate", "migrate_to_latest", "snapshot"]

# What a round trip through a module's old table keeps (the old tables had no link).
KEPT = (
    "recipient_id",
    "email",
    "source",
    "kind",
    "subject",
    "about_type_id",
    "about_id",
    "params",
    "created_at",
    "read_at",
    "emailed_at",
    "email_status",
)


def snapshot(*fields: str) -> list[tuple]:
    return sorted(Notification.objects.values_list(*(fields or KEPT)), key=repr)
