"""What every partner endpoint shares: the caller's language (Accept-Language), the body limit,
Idempotency-Key on POST, ETag / If-Match against an object's version, and problem+json errors
(api.problems). Endpoints themselves only call selectors and services."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.views import APIView

from notlagen.errors import StaleVersionError

from . import idempotency
from .problems import PreconditionFailed


class TooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


class PartnerAPIView(APIView):
    """An endpoint of /api/v1/: key authentication, throttling per client, one error format."""

    _idempotent = None  # the claim of this request's Idempotency-Key, once made
    _fingerprint = None  # method, path and body of a POST that carries a key

    def initial(self, request, *args, **kwargs):
        translation.activate(translation.get_language_from_request(request._request, check_path=False))
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.API_MAX_BODY:
            raise TooLarge(_("The request body is larger than %(max)s bytes.") % {"max": settings.API_MAX_BODY})
        super().initial(request, *args, **kwargs)
        if request.method == "POST" and idempotency.HEADER in request.headers:
            idempotency.check_key(request.headers[idempotency.HEADER])
            body = request._request.body  # read before DRF parses it (DRF then reads this copy)
            self._fingerprint = idempotency.fingerprint(request, body)

    def once(self, request) -> None:
        """Called by every POST handler right after its access check (which logs the read of the
        object concerned): a request whose Idempotency-Key was answered before gets that answer
        again — only while the caller may still see the object, and logged like a fresh read."""
        if self._fingerprint is not None:
            self._idempotent = idempotency.claim(
                client=request.api_client, key=request.headers[idempotency.HEADER], print_=self._fingerprint
            )

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except BaseException:
            # The server failed (500): the claim is released, so the partner may retry.
            if self._idempotent is not None:
                idempotency.release(self._idempotent)
                self._idempotent = None
            raise

    def handle_exception(self, exc):
        if isinstance(exc, StaleVersionError):
            exc = PreconditionFailed(" ".join(exc.messages))
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        if self._idempotent is not None:
            idempotency.settle(self._idempotent, response)
            self._idempotent = None
        elif (
            self._fingerprint is not None
            and response.status_code < 300
            and not response.has_header("Idempotent-Replayed")
        ):
            # A POST handler that changed something without asking once(): a bug, not a request.
            raise ImproperlyConfigured(f"{type(self).__name__}.post does not call self.once(request)")
        return response


def etag_of(obj) -> str:
    return f'"{obj.pk}-{obj.version}"'


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"


def expected_version(request, obj, *, required: bool = False) -> int | None:
    """The version an If-Match names (None without one; `required` for updates of fields, which
    must never overwrite unseen changes); a stale one answers 412 at once. The service checks
    the version again under its row lock, so a change in between is caught too."""
    header = request.headers.get("If-Match")
    if header is None:
        if required:
            raise PreconditionRequired(_("Send If-Match with the ETag you read."))
        return None
    if header.strip() == "*":
        if required:  # "any version" would overwrite changes the caller never saw
            raise PreconditionRequired(_("Send If-Match with the ETag you read."))
        return obj.version
    if header.strip() != etag_of(obj):
        raise PreconditionFailed(_("The object has changed since you read it. Read it again and retry."))
    return obj.version


@extend_schema(exclude=True)
class NoSuchEndpoint(PartnerAPIView):
    """Any other path under /api/v1/: the same 404 problem as an object one may not see (after
    the key is checked, so a caller without one learns nothing about the paths)."""

    def _missing(self, request, *args, **kwargs):
        raise exceptions.NotFound()

    get = post = put = patch = delete = _missing
