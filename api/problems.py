"""One error format for the whole API: RFC 9457 problem details (application/problem+json),
in German or English by Accept-Language. "Not found" and "not allowed" are the same problem,
word for word: NotFound from the access layer, Http404 and PermissionDenied all become it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from access.errors import NotFound

PROBLEM_TYPE = "https://notlagen.example/probleme/"
CONTENT_TYPE = "application/problem+json"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class IdempotencyInProgress(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_progress"


class Replay(Exception):
    """Not an error: the stored answer of an earlier request with the same Idempotency-Key."""

    def __init__(self, response):
        super().__init__("replay")
        self.response = response


def _titles() -> dict[int, str]:
    return {
        400: _("The request is not valid."),
        401: _("Authentication required."),
        404: _("Not found."),
        405: _("Method not allowed."),
        406: _("Not acceptable."),
        409: _("Conflict."),
        412: _("The object has changed meanwhile."),
        413: _("The request is too large."),
        415: _("Unsupported media type."),
        422: _("The request cannot be processed."),
        428: _("If-Match is required."),
        429: _("Too many requests."),
    }


def problem(status_code: int, code: str, detail: str = "", errors: dict | None = None, headers=None) -> Response:
    body = {
        "type": PROBLEM_TYPE + code.replace("_", "-"),
        "title": _titles().get(status_code, _("Error.")),
        "status": status_code,
    }
    if detail:
        body["detail"] = str(detail)
    if errors:
        body["errors"] = errors
    response = Response(body, status=status_code, headers=headers, content_type=CONTENT_TYPE)
    return response


def not_found() -> Response:
    return problem(404, "not_found", _("There is no such object, or it is not available to you."))


def _field_errors(detail) -> dict:
    """DRF's nested error detail as {field: [messages]}; non-field errors under "__all__"."""
    if isinstance(detail, dict):
        result = {}
        for field, messages in detail.items():
            name = "__all__" if field in ("non_field_errors", "__all__") else field
            result[name] = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
        return result
    return {"__all__": [str(m) for m in (detail if isinstance(detail, list) else [detail])]}


def exception_handler(exc, context):
    if isinstance(exc, Replay):
        return exc.response
    if isinstance(exc, NotFound | Http404 | PermissionDenied | exceptions.NotFound | exceptions.PermissionDenied):
        return not_found()
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return problem(400, "invalid", _("Please correct the fields named."), errors)
    if isinstance(exc, exceptions.ValidationError):
        return problem(400, "invalid", _("Please correct the fields named."), _field_errors(exc.detail))
    if isinstance(exc, exceptions.ParseError):
        return problem(400, "malformed", str(exc.detail))
    if isinstance(exc, exceptions.APIException):
        response = drf_exception_handler(exc, context)
        headers = {
            k: v
            for k, v in (response.headers.items() if response else [])
            if k in ("Retry-After", "WWW-Authenticate", "Allow")
        }
        detail = exc.detail if isinstance(exc.detail, str) else ""
        return problem(
            exc.status_code, exc.get_codes() if isinstance(exc.get_codes(), str) else "error", detail, headers=headers
        )
    return None
