from django import template

register = template.Library()


@register.inclusion_tag("benefits/_tree_benefits.html", takes_context=True)
def tree_benefits(context, tree):
    """The benefits block of a tree, rendered on the server (used by benefits/tree_card.html)."""
    from metropoli.benefits.views import tree_context

    return tree_context(context.get("request"), tree)
