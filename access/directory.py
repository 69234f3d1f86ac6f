"""Who may change which part of the help-offer directory: the rule for an offer lives here once.

The city's directory administrators (DIRECTORY_ADMINISTER) change every provider's offers; a
provider's own editors (OFFER_EDIT) change the offers of the provider that is their agency.
External providers have no editors: administrators keep their offers."""

from __future__ import annotations

from .decide import Right, may, refuse, right_in
from .rules import Action


def offer_edit_right(user, provider) -> Right | None:
    """The right through which `user` may add or change offers of `provider`, or None."""
    administer = may(user, Action.DIRECTORY_ADMINISTER)
    if administer is not None:
        return administer
    if provider is None or provider.agency_id is None:
        return None
    return right_in(user, Action.OFFER_EDIT, provider.agency_id)


def require_offer_edit(user, provider) -> Right:
    right = offer_edit_right(user, provider)
    if right is None:
        refuse(user, Action.OFFER_EDIT)
    return right


def editable_providers(user):
    """The providers whose offers `user` may add or change (a queryset)."""
    from agencies.selectors import agencies_of
    from referrals.models import Provider

    if may(user, Action.DIRECTORY_ADMINISTER) is not None:
        return Provider.objects.filter(is_active=True)
    agency_ids = [a.pk for a in agencies_of(user) if right_in(user, Action.OFFER_EDIT, a) is not None]
    return Provider.objects.filter(is_active=True, agency_id__in=agency_ids)
