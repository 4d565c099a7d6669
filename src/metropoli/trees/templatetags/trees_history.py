"""{% describe_history rows as changes %}: a history in words (trees/history.py)."""

from django import template

from metropoli.trees.history import describe

register = template.Library()


@register.simple_tag
def describe_history(rows):
    return describe(rows or [])
