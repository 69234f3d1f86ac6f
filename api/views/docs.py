"""The schema, Swagger UI and Redoc (offline, drf-spectacular-sidecar) for logged-in staff,
through the web session, not a key. Swagger UI in its split form: its start script is a file,
not inline, so the strict Content Security Policy holds."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView


class _StaffPage:
    # The session is checked by login_required around the view; no key, no throttle.
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []


class Schema(_StaffPage, SpectacularAPIView):
    pass


class Swagger(_StaffPage, SpectacularSwaggerSplitView):
    pass


class Redoc(_StaffPage, SpectacularRedocView):
    pass


schema = login_required(Schema.as_view())
swagger = login_required(Swagger.as_view(url_name="api:schema"))
redoc = login_required(Redoc.as_view(url_name="api:schema"))
