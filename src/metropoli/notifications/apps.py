from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "metropoli.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from metropoli.common.outbox import email_settled

        from .services import email_settled as mark_notification

        email_settled.connect(mark_notification, dispatch_uid="notifications.email_settled")
