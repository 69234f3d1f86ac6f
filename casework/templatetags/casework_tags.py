"""Template filters of the case workspace."""

from django import template

from ..risk import RiskLevel

register = template.Library()


@register.filter
def risk_level(code):
    """A risk level's label (a timeline entry keeps the code)."""
    return dict(RiskLevel.choices).get(code, code)
