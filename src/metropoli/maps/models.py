"""Data versions of the map layers that cache their tiles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LayerVersion(models.Model):
    """A counter per layer, raised in the same transaction as every write to the layer's data.

    The tile view keys its cache by it, and map pages put it in their tile URLs; a reader that
    sees the new version also sees the data written with it, because both commit together.
    """

    layer = models.CharField(_("layer"), max_length=40, primary_key=True)
    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("map layer version")
        verbose_name_plural = _("map layer versions")

    def __str__(self) -> str:
        return f"{self.layer} v{self.version}"
