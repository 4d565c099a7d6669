from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def ensure_office_group(sender, using="default", **kwargs) -> None:
    """The cooperation office's group exists after every migrate, as Django's own permissions
    do: migration 0003 creates it on a new installation, and this brings it back after a
    ``flush`` (an operator emptying a staging database, or a test that empties the tables)."""
    from django.contrib.auth.models import Group

    from .rules import COOPERATION_OFFICE_GROUP

    Group.objects.using(using).get_or_create(name=COOPERATION_OFFICE_GROUP)


class CooperationConfig(AppConfig):
    name = "metropoli.cooperation"
    label = "cooperation"
    verbose_name = _("Cooperation")

    def ready(self) -> None:
        post_migrate.connect(ensure_office_group, sender=self, dispatch_uid="cooperation-office")
