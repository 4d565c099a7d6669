from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    """What every module shares at the edge; its one table keeps idempotency keys."""

    name = "metropoli.common"
    label = "common"
    verbose_name = _("Shared")
