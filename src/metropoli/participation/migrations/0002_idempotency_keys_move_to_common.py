"""Contribution idempotency keys move to the shared table (common.IdempotencyRecord, ADR 0046).

The old keys were scoped to the proceeding only and hashed other fields; they are not carried
over (a replay in flight during the upgrade meets the same-text-today check instead).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0001_proceedings_contributions"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="contribution", name="unique_contribution_idempotency_key"
        ),
        migrations.RemoveField(model_name="contribution", name="idempotency_key"),
        migrations.RemoveField(model_name="contribution", name="request_hash"),
    ]
