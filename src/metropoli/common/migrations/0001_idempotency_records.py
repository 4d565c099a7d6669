from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="IdempotencyRecord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("action", models.CharField(max_length=40)),
                ("scope", models.CharField(max_length=80)),
                ("key", models.CharField(max_length=80)),
                ("request_hash", models.CharField(max_length=64)),
                ("result_id", models.BigIntegerField(null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("action", "scope", "key"), name="unique_idempotency_record"
                    )
                ],
            },
        ),
    ]
