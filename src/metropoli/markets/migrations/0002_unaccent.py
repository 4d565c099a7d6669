"""Accent-insensitive search on PostgreSQL needs the unaccent extension (SQLite searches in Python)."""

from django.db import migrations


def create_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("markets", "0001_catalogue_orders_couriers")]

    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
