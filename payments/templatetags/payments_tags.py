from django import template

from .. import money

register = template.Library()


@register.filter
def euros(value) -> str:
    """1234.5 -> '1.234,50 €' (German grouping whatever the language: amounts are in euros)."""
    if value is None or value == "":
        return "–"
    return money.euros(value)


@register.filter
def status_label(value: str) -> str:
    from ..models import Status

    return str(dict(Status.choices).get(value, value or "–"))


@register.filter
def needs_team_lead(amount) -> bool:
    from ..notices import needs_team_lead as above_threshold

    return amount is not None and above_threshold(amount)
