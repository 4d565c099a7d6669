"""Accent-insensitive search needs PostgreSQL's unaccent extension."""

from django.db import migrations


def create_unaccent(apps, schema_editor):
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("markets", "0001_catalogue_orders_couriers")]

    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
