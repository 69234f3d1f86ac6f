"""The shell around every page: who is logged in, in which agency and roles, and the menu."""

from django.conf import settings

from agencies.selectors import memberships_of
from notifications.selectors import unread_count

from .navigation import navigation_for


def shell(request) -> dict:
    context = {"demo_mode": settings.DEMO_RELAX_SECOND_FACTOR}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not _past_second_factor(request):
        return context
    memberships = memberships_of(user)
    counts = {"unread_notifications": unread_count(user=user)}
    context.update(
        {
            "shell_memberships": memberships,
            "shell_agencies": sorted({m.agency.short_name or m.agency.name for m in memberships}),
            "shell_roles": sorted({m.get_role_display() for m in memberships}, key=str),
            "shell_navigation": navigation_for(request, counts),
            "unread_notifications": counts["unread_notifications"],
        }
    )
    return context


def _past_second_factor(request) -> bool:
    # Before the second factor, the shell shows no menu: nothing to click but logout.
    from accounts.second_factor import has_confirmed_device, second_factor_required

    user = request.user
    if user.is_verified():
        return True
    return not has_confirmed_device(user) and not second_factor_required(user)
