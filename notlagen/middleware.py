"""Cross-cutting request middleware."""

import re
import uuid

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (kept from a trusted proxy's X-Request-ID if well-formed),
    so log lines, access-log entries and error reports of one request can be joined."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class LanguageMiddleware:
    """German unless the person chose otherwise. Unlike Django's LocaleMiddleware the browser's
    Accept-Language is ignored: a shared office PC set to English must not switch the desk's UI;
    the switch in the header (a cookie, remembered on the account) is the only way to English."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response
