"""Tree idempotency keys move to the shared table (common.IdempotencyRecord, ADR 0046).

They were already scoped to the person and bound to the request hash, computed the same way
as common.idempotency.request_hash, so a retry in flight during the upgrade still replays.
"""

from django.db import migrations


def copy_keys(apps, schema_editor):
    old = apps.get_model("trees", "IdempotencyKey")
    new = apps.get_model("common", "IdempotencyRecord")
    new.objects.bulk_create(
        new(
            action="trees.tree",
            scope=f"user:{row.user_id}",
            key=row.key,
            request_hash=row.request_hash,
            result_id=row.tree_ref,
        )
        for row in old.objects.iterator()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("common", "0001_idempotency_records"),
        ("trees", "0003_map_points"),
    ]

    operations = [
        migrations.RunPython(copy_keys, migrations.RunPython.noop),
        migrations.DeleteModel(name="IdempotencyKey"),
    ]
