"""A template records which municipality's staff saved it (none: the platform's own, changed by
platform administrators) and when it last changed, the version its edit form carries (decision
0114). Templates saved before have no owner: platform administrators give them one if needed."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0006_remove_notice"),
        ("territory", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="proceedingtemplate",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="proceeding_templates",
                to="territory.municipality",
                verbose_name="saved by",
            ),
        ),
        migrations.AddField(
            model_name="proceedingtemplate",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="updated at"),
        ),
    ]
