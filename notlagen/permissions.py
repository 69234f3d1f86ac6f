"""View guards shared by all apps. A guard that refuses answers 404, like a missing object,
so a page's existence says nothing to someone who may not use it."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404

from agencies.selectors import has_role


def role_required(*roles: str):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
