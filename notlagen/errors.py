from django.core.exceptions import ValidationError
from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A German page instead of Django's technical CSRF message (usually: the form sat too long)."""
    return render(request, "403_csrf.html", status=403)


class StaleVersionError(ValidationError):
    """Someone else saved the object since the version the caller saw: the web shows the message
    at the form, the API answers 412 Precondition Failed."""
