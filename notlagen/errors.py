from django.shortcuts import render


def csrf_failure(request, reason=""):
    """A German page instead of Django's technical CSRF message (usually: the form sat too long)."""
    return render(request, "403_csrf.html", status=403)
