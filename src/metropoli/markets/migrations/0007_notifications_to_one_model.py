"""Mi Mercado's notifications move to the notifications app's one model, every row kept
(docs/decisions/0091-one-notification-model.md); 0008 then drops the old table."""

from django.db import migrations


def status(row) -> str:
    if row.emailed_at is not None:
        return "sent"
    return "pending" if row.email else "none"


def forward(apps, schema_editor):
    Old = apps.get_model("markets", "Notification")
    New = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    order_type, _created = ContentType.objects.get_or_create(app_label="markets", model="order")
    rows = Old.objects.order_by("pk").iterator(chunk_size=2000)
    batch = []
    for row in rows:
        batch.append(
            New(
                recipient_id=row.user_id,
                email=row.email,
                source="markets",
                kind="order" if row.order_id else "courier",
                subject=row.subject,
                body=row.body,
                about_type=order_type if row.order_id else None,
                about_id=row.order_id,
                created_at=row.created_at,
                read_at=row.read_at,
                email_status=status(row),
                emailed_at=row.emailed_at,
            )
        )
        if len(batch) == 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


def backward(apps, schema_editor):
    Old = apps.get_model("markets", "Notification")
    New = apps.get_model("notifications", "Notification")
    for row in New.objects.filter(source="markets").order_by("pk"):
        old = Old.objects.create(
            user_id=row.recipient_id,
            email=row.email,
            order_id=row.about_id,
            subject=row.subject,
            body=row.body,
            read_at=row.read_at,
            emailed_at=row.emailed_at,
        )
        # created_at is auto_now_add there: set it afterwards.
        Old.objects.filter(pk=old.pk).update(created_at=row.created_at)
    New.objects.filter(source="markets").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("markets", "0006_spanish_admin_names"),
        ("notifications", "0001_notifications"),
    ]

    operations = [migrations.RunPython(forward, backward)]
