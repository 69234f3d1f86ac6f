from django import template

from ..models import Outcome, Status, Urgency

register = template.Library()


@register.filter
def referral_status(code: str) -> str:
    return str(dict(Status.choices).get(code, code))


@register.filter
def referral_outcome(code: str) -> str:
    return str(dict(Outcome.choices).get(code, code))


@register.filter
def urgency_label(code: str) -> str:
    return str(dict(Urgency.choices).get(code, code))
