"""Django's admin app with Metrópoli's site (web/admin_site.py; decision 0079), and the task
results' app under a Spanish name. Kept apart from the site so that INSTALLED_APPS can name them
before the models are loaded."""

from django.contrib.admin.apps import AdminConfig
from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class PlatformAdminConfig(AdminConfig):
    default_site = "metropoli.web.admin_site.PlatformAdminSite"

    def ready(self):
        super().ready()  # autodiscovers every app's admin module
        from .admin_site import translate_task_results_admin

        translate_task_results_admin()


class TaskResultsConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
