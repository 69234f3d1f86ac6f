"""The page shown while a user name is locked after repeated failed logins (django-axes)."""

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    # The same page whether or not the user name exists: a lockout reveals nothing.
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"lockout_minutes": minutes}, status=429)
