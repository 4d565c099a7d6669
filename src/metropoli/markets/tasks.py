"""Background tasks of Mi Mercado (django-tasks), scheduled in metropoli.jobs.schedule."""

from django_tasks import task

from .services import deadlines


@task()
def cancel_unanswered_parts() -> int:
    """Cancel the parts of orders that their stall did not accept in time; safe to rerun."""
    return deadlines.cancel_unanswered_parts()
