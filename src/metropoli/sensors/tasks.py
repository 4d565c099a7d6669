"""Background work of the sensors module (django-tasks; the DB worker runs it)."""

from django_tasks import task

from . import services


@task()
def downsample_expired() -> dict:
    """Fold raw readings past the retention period into hourly aggregates."""
    result = services.downsample_expired()
    return {
        "sensors": result.sensors,
        "aggregated_readings": result.aggregated_readings,
        "hours_written": result.hours_written,
        "deleted_posts": result.deleted_posts,
    }
