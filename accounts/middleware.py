"""Session idle timeout and second-factor enforcement."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from .second_factor import has_confirmed_device, second_factor_required

_LAST_ACTIVITY = "last_activity"
# Write the activity stamp at most once a minute, not on every request.
_STAMP_RESOLUTION_SECONDS = 60


def _redirect(request, url):
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return redirect(url)


class IdleTimeoutMiddleware:
    """Log out a session that has been idle longer than SESSION_IDLE_TIMEOUT and say so."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.idle_seconds = settings.SESSION_IDLE_TIMEOUT.total_seconds()

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(_LAST_ACTIVITY)
            if last is not None and now - last > self.idle_seconds:
                logout(request)
                messages.info(request, _("You were logged out after a period of inactivity. Please log in again."))
                response = redirect_to_login(request.get_full_path())
                return _redirect(request, response.url)
            if last is None or now - last >= _STAMP_RESOLUTION_SECONDS:
                request.session[_LAST_ACTIVITY] = now
        return self.get_response(request)


# Views a logged-in person may reach before passing the second factor.
_OPEN_BEFORE_SECOND_FACTOR = {
    "accounts:logout",
    "accounts:second_factor_verify",
    "accounts:second_factor_enrol",
    "accounts:language",
    "healthz",
    "readyz",
    # The public consultation hours need no account at all.
    "consultations:public",
    "consultations:calendar",
    "consultations:poster",
}


class SecondFactorMiddleware:
    """Whoever has a confirmed device must enter a code after the password; whoever must have
    a second factor (auditors, administrators) and has none is sent to enrolment first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _OPEN_BEFORE_SECOND_FACTOR:
            return None
        if has_confirmed_device(user):
            target = redirect_to_login(request.get_full_path(), reverse("accounts:second_factor_verify"))
            return _redirect(request, target.url)
        if second_factor_required(user):
            return _redirect(request, reverse("accounts:second_factor_enrol"))
        return None
