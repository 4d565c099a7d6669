"""{% describe_history rows as changes %}: a history in words (trees/history.py); a species' of
the catalogue with {% describe_history rows "species" as changes %}."""

from django import template

from metropoli.trees.history import describe, describe_species

register = template.Library()


@register.simple_tag
def describe_history(rows, subject: str = ""):
    if subject == "species":
        return describe_species(rows or [])
    return describe(rows or [])
