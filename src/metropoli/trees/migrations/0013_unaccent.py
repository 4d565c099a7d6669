"""The species catalogue's search ignores accents ("arbol" finds "árbol"): PostgreSQL's unaccent.

The markets app creates the same extension (its migration 0002); the trees app does not depend
on it (decision 0052), so it asks for it too. No table changes.
"""

from django.db import migrations


def create_unaccent(apps, schema_editor):
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")


class Migration(migrations.Migration):
    dependencies = [("trees", "0012_municipality_indexed_once")]

    operations = [migrations.RunPython(create_unaccent, migrations.RunPython.noop)]
