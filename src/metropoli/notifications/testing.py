"""Helpers for the tests of the data migrations that moved each module's notifications here."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .models import Notification

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


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest():
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def snapshot(*fields: str) -> list[tuple]:
    return sorted(Notification.objects.values_list(*(fields or KEPT)), key=repr)
