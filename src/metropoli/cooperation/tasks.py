"""Background tasks (django-tasks): schedule ``send_deadline_reminders`` once a day."""

from django_tasks import task

from . import services


@task()
def send_deadline_reminders() -> int:
    """Email deadline reminders; safe to run any number of times a day."""
    return services.send_deadline_reminders().sent
