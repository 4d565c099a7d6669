"""Template filters of Mi Mercado."""

from decimal import Decimal

from django import template

from ..quantities import format_decimal, format_quantity, unit_name

register = template.Library()


@register.filter
def plain(value):
    """Decimals without trailing zeros or exponent: 10.000 -> "10" (not "1E+1"), 0.250 -> "0.25"."""
    if isinstance(value, Decimal):
        return format_decimal(value)
    return value


@register.filter
def quantity(value, unit):
    """``{{ line.quantity|quantity:line.unit }}`` -> «2 manojos», «1 pieza», «0.5 kg»."""
    if value in (None, ""):
        return ""
    return format_quantity(value, unit)


@register.filter
def unit_one(unit):
    """The unit of one: «pieza», «manojo», «kg» (as in «$8.00 por manojo»)."""
    return unit_name(unit, 1)


@register.filter
def unit_many(unit):
    """The unit of several: «piezas», «manojos», «kg»."""
    return unit_name(unit, 2)
