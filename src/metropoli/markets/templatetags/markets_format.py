"""Template filters of Mi Mercado."""

from decimal import Decimal

from django import template

from ..quantities import format_decimal

register = template.Library()


@register.filter
def plain(value):
    """Decimals without trailing zeros or exponent: 10.000 -> "10" (not "1E+1"), 0.250 -> "0.25"."""
    if isinstance(value, Decimal):
        return format_decimal(value)
    return value
