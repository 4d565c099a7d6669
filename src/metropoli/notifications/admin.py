from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "email", "source", "kind", "created_at", "email_status"]
    list_filter = ["source", "kind", "email_status"]
    readonly_fields = [
        "recipient",
        "email",
        "source",
        "kind",
        "subject",
        "body",
        "link",
        "params",
        "about_type",
        "about_id",
        "read_at",
        "email_status",
        "emailed_at",
    ]
