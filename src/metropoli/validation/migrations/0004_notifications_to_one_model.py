"""Validation's notifications move to the notifications app's one model, every row kept
(docs/decisions/0091-one-notification-model.md); 0005 then drops the old table. Their pages read
the decision; the subject is written in the recorder's language, as the e-mail's was. Whether
an unsent one was meant to be e-mailed is not known: it stays unsent."""

from django.conf import settings
from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext

OUTCOMES = {
    "validated": "Validated",
    "needs_correction": "Needs correction",
    "rejected": "Rejected",
}


def forward(apps, schema_editor):
    Old = apps.get_model("validation", "Notification")
    New = apps.get_model("notifications", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    decision_type, _created = ContentType.objects.get_or_create(
        app_label="validation", model="decision"
    )
    batch = []
    rows = Old.objects.select_related("recipient", "decision").order_by("pk")
    for row in rows.iterator(chunk_size=2000):
        person = row.recipient
        with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
            subject = gettext("Your tree #%(tree)s: %(outcome)s") % {
                "tree": row.decision.tree_id,
                "outcome": gettext(OUTCOMES.get(row.decision.outcome, row.decision.outcome)),
            }
        status = "sent" if row.emailed_at is not None else "none"
        batch.append(
            New(
                recipient_id=row.recipient_id,
                email=person.email if row.emailed_at is not None else "",
                source="validation",
                kind="decision",
                subject=subject[:200],
                params={"lesson": row.lesson_slug} if row.lesson_slug else {},
                about_type=decision_type,
                about_id=row.decision_id,
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
    Old = apps.get_model("validation", "Notification")
    New = apps.get_model("notifications", "Notification")
    rows = New.objects.filter(source="validation", recipient__isnull=False).order_by("pk")
    for row in rows:
        old = Old.objects.create(
            recipient_id=row.recipient_id,
            decision_id=row.about_id,
            lesson_slug=row.params.get("lesson", ""),
            read_at=row.read_at,
            emailed_at=row.emailed_at,
        )
        # created_at is auto_now_add there: set it afterwards.
        Old.objects.filter(pk=old.pk).update(created_at=row.created_at)
    New.objects.filter(source="validation").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0001_notifications"),
        ("validation", "0003_spanish_admin_names"),
    ]

    operations = [migrations.RunPython(forward, backward)]
