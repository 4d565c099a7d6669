"""A species records when it last changed: the catalogue's form carries it, and a correction
made from an older one is refused (decision 0114). Existing species start at the migration."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("trees", "0013_unaccent")]

    operations = [
        migrations.AddField(
            model_name="species",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="updated at"
            ),
            preserve_default=False,
        ),
    ]
