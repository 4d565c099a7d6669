"""Order idempotency keys move to the shared table (common.IdempotencyRecord, ADR 0046).

The old keys were global (any caller could replay them) and had no request hash; they are not
carried over.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0003_pickup_days_and_photo_thumbnails"),
    ]

    operations = [
        migrations.RemoveField(model_name="order", name="idempotency_key"),
    ]
