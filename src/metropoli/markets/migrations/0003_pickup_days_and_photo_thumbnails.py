"""Dated pickup (day + slot, opening days, capacity) and photo thumbnails.

Pickup orders placed before this migration had only a slot; their pickup day becomes the local
day they were placed, so every existing order satisfies the stricter constraint.
"""

import django.core.validators
from django.db import migrations, models
from django.db.models.functions import TruncDate

import metropoli.markets.models


def date_old_pickups(apps, schema_editor):
    Order = apps.get_model("markets", "Order")
    # TruncDate works in the current time zone (America/Mexico_City).
    Order.objects.filter(method="pickup", pickup_date__isnull=True).update(
        pickup_date=TruncDate("created_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0002_unaccent"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="order",
            name="order_method_has_destination",
        ),
        migrations.AddField(
            model_name="market",
            name="open_weekdays",
            field=models.JSONField(
                blank=True,
                default=metropoli.markets.models.all_weekdays,
                help_text="Days of the week the market opens for pickup (0 = Monday … 6 = Sunday).",
                verbose_name="opening days",
            ),
        ),
        migrations.AddField(
            model_name="market",
            name="photo_thumbnail",
            field=models.ImageField(
                blank=True, upload_to="markets/markets/", verbose_name="photo thumbnail"
            ),
        ),
        migrations.AddField(
            model_name="market",
            name="pickup_days_ahead",
            field=models.PositiveSmallIntegerField(
                default=7,
                help_text="How many days ahead shoppers can choose for pickup (0: today only).",
                validators=[django.core.validators.MaxValueValidator(30)],
                verbose_name="pickup days ahead",
            ),
        ),
        migrations.AddField(
            model_name="market",
            name="pickup_slot_capacity",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="Most pickup orders per slot and day; empty: no limit.",
                null=True,
                validators=[django.core.validators.MinValueValidator(1)],
                verbose_name="pickup orders per slot",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="pickup_date",
            field=models.DateField(blank=True, null=True, verbose_name="pickup day"),
        ),
        migrations.AddField(
            model_name="product",
            name="photo_thumbnail",
            field=models.ImageField(
                blank=True, upload_to="markets/products/", verbose_name="photo thumbnail"
            ),
        ),
        migrations.RunPython(date_old_pickups, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["market", "pickup_date", "pickup_slot"], name="order_pickup_slot_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("method", "delivery"),
                        ("location__isnull", False),
                        models.Q(("address", ""), _negated=True),
                    ),
                    models.Q(
                        ("method", "pickup"),
                        models.Q(("pickup_slot", ""), _negated=True),
                        ("pickup_date__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="order_method_has_destination",
            ),
        ),
    ]
