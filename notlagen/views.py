"""The home page: what each person needs first, by role."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from access.decide import may
from access.rules import Action
from agencies.selectors import agencies_of, agency_members, agency_with_structure, memberships_of
from cases import selectors as case_selectors
from casework import selectors as casework_selectors
from notifications.selectors import inbox_for

from . import home_panels


@login_required
def home(request):
    user = request.user
    memberships = memberships_of(user)
    agencies = [
        {"agency": agency_with_structure(agency_id=agency.pk), "members": list(agency_members(agency=agency))}
        for agency in agencies_of(user)
    ]
    context = {
        "memberships": memberships,
        "agencies": agencies,
        "latest_notifications": list(inbox_for(user=user)[:5]),
        "today": timezone.localdate(),
    }
    if may(user, Action.CASE_LIST):
        context["my_cases"] = case_selectors.my_open_cases(user=user)
        context["my_tasks"] = casework_selectors.my_open_tasks(user=user)
        context["my_drafts"] = casework_selectors.my_intake_drafts(user=user)
        context["can_start_intake"] = may(user, Action.INTAKE_START) is not None
        if may(user, Action.ACCESS_REQUEST_INBOX):
            context["pending_requests"] = case_selectors.pending_access_request_count(user=user)
    if may(user, Action.ADMIN_USE):
        context["admin_panel"] = home_panels.administration_figures()
    if may(user, Action.AUDIT_USE):
        context["auditor_panel"] = home_panels.login_security_figures(since=timezone.now() - timedelta(hours=24))
    return render(request, "notlagen/home.html", context)


def permission_denied_as_not_found(request, exception=None):
    """A refusal that reaches Django (PermissionDenied from a service, e.g. when rights changed
    mid-request) answers exactly like a missing object: "not allowed" never looks different
    from "not found"."""
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
