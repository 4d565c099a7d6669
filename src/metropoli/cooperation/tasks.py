"""Background tasks (django-tasks): schedule ``send_deadline_reminders`` once a day."""

from django_tasks import task

from . import reminders


@task()
def send_deadline_reminders() -> int:
    """Email deadline reminders; safe to run any number of times a day."""
    return reminders.send_deadline_reminders().sent
