"""{% imports_inventories user as flag %}: whether to offer the inventory import page."""

from django import template

from metropoli.territory.models import Role
from metropoli.territory.selectors import municipalities_where

register = template.Library()


@register.simple_tag
def imports_inventories(user) -> bool:
    """Municipal staff somewhere (the page lists their municipalities; trees.import_trees)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return municipalities_where(user, Role.MUNICIPAL_STAFF).exists()
