"""Participants' notices move to the notifications app's one model, every row kept
(docs/decisions/0091-one-notification-model.md); 0006 then drops the old table."""

from django.db import migrations


def forward(apps, schema_editor):
    Old = apps.get_model("participation", "Notice")
    New = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    contribution_type, _created = ContentType.objects.get_or_create(
        app_label="participation", model="contribution"
    )
    batch = []
    for row in Old.objects.select_related("user").order_by("pk").iterator(chunk_size=2000):
        email = row.user.email
        status = "sent" if row.emailed_at is not None else "pending" if email else "none"
        batch.append(
            New(
                recipient_id=row.user_id,
                email=email,
                source="participation",
                kind=row.kind,
                subject=row.subject,
                body=row.body,
                about_type=contribution_type,
                about_id=row.contribution_id,
                created_at=row.created_at,
                read_at=row.read_at,
                email_status=status,
                emailed_at=row.emailed_at,
            )
        )
        if len(batch) == 2000:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)


def backward(apps, schema_editor):
    Old = apps.get_model("participation", "Notice")
    New = apps.get_model("notifications", "Notification")
    Old.objects.bulk_create(
        Old(
            user_id=row.recipient_id,
            contribution_id=row.about_id,
            kind=row.kind,
            subject=row.subject,
            body=row.body,
            created_at=row.created_at,
            read_at=row.read_at,
            emailed_at=row.emailed_at,
        )
        for row in New.objects.filter(source="participation", recipient__isnull=False)
    )
    New.objects.filter(source="participation").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0001_notifications"),
        ("participation", "0004_spanish_admin_names"),
    ]

    operations = [migrations.RunPython(forward, backward)]
