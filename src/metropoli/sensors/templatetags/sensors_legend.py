"""`{% sensors_legend %}`: what the sensor dots mean, for any map that shows the sensors layer."""

from django import template

from metropoli.sensors.aqi import Category
from metropoli.sensors.aqi.categories import NO_DATA_COLOUR
from metropoli.sensors.views import category_context

register = template.Library()


@register.inclusion_tag("sensors/_legend.html")
def sensors_legend():
    return {
        "categories": [category_context(c) for c in Category],
        "no_data": NO_DATA_COLOUR.hex,
    }
