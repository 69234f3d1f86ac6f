"""The `when` filter, a builtin of every template: {{ value|when }} or {{ value|when:"datetime" }}."""

from django import template

from notlagen.dates import format_when

register = template.Library()


@register.filter
def when(value, style: str = "date") -> str:
    return format_when(value, style)
