from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    """Background work: the supervised task worker and the schedule of periodic jobs."""

    name = "metropoli.jobs"
    verbose_name = _("Background jobs")
