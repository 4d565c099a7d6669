"""{% looks_after_trees user as flag %}: whether to offer the staff's pages (planting sites)."""

from django import template

from metropoli.trees.sites import looks_after_any

register = template.Library()


@register.simple_tag
def looks_after_trees(user) -> bool:
    return looks_after_any(user)
