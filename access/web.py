"""The web channel's side of the access layer: a view guard that asks the rule table, and the
middleware that answers NotFound (and PermissionDenied) with the same 404 as a missing page."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404

from .decide import may, refuse
from .errors import NotFound
from .rules import Action


def requires(action: Action):
    """Login, then the agency-level `action` (access.rules) somewhere; else a logged 404."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if may(request.user, action) is None:
                refuse(request.user, action)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class NotFoundMiddleware:
    """NotFound from the access layer, and PermissionDenied from anywhere, answer 404: "not
    allowed" looks exactly like "not found". The refusal itself is logged where it was raised
    (or, failing that, by audit.context.AccessContextMiddleware for every 403/404)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound | PermissionDenied):
            return response_for_exception(request, Http404())
        return None


# URL keyword -> the object type a refusal of that URL names (the most specific one wins).
_URL_OBJECTS = {
    "case_id": "case",
    "person_id": "person",
    "grant_id": "grant",
    "consent_id": "consent",
    "request_id": "access_request",
    "task_id": "task",
    "appointment_id": "appointment",
    "document_id": "document",
    "goal_id": "goal",
    "step_id": "goal",
    "entry_id": "access_log",
    "review_id": "review",
    "notification_id": "notification",
    "endpoint_id": "webhook",
    "referral_id": "referral",
    "offer_id": "offer",
    "client_id": "api_client",
    "key_id": "api_client",
    "report_id": "report",
}


def refusal_of(request) -> dict:
    """The shape of a refusal logged for a request whose 404 no rule logged itself (a missing
    object, a URL that does not exist, the admin's guard): the same fields as every refusal."""
    match = getattr(request, "resolver_match", None)
    kwargs = match.kwargs if match else {}
    object_type, object_id, case_id = "page", None, None
    for name, value in kwargs.items():
        if name in _URL_OBJECTS and isinstance(value, int):
            object_type, object_id = _URL_OBJECTS[name], value
        if name == "case_id" and isinstance(value, int):
            case_id = value
    return {
        "action": "view" if request.method in ("GET", "HEAD") else "change",
        "object_type": object_type,
        "object_ids": [object_id] if object_id is not None else [],
        "case_ids": [case_id] if case_id is not None else [],
        "purpose": request.path[:300],
    }
