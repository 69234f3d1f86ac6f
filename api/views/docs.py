"""The schema, Swagger UI and Redoc (offline, drf-spectacular-sidecar) for logged-in staff,
through the web session, not a key.

The pages are drf-spectacular's, minus what the strict Content Security Policy refuses or what
would leave the house: no inline <style> or <script> (Swagger UI in its split form: its start
script is a file), no Google Fonts (Redoc's template links them: a request to Google from every
reader), and our own favicon. Two relaxations, on the Redoc page alone: Redoc styles itself with
styled-components, which writes <style> elements at run time, so that page allows inline styles
(never inline scripts; without them Redoc stops with "An error occurred ... #17"), and its search
runs in a worker it makes from a blob: of its own bundle. Redoc 2.5 still draws Redocly's logo
from cdn.redoc.ly; the CSP refuses it in the browser, so nothing leaves."""

from __future__ import annotations

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

_HEAD = """<!DOCTYPE html>{% load static %}
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{{ title }}</title>
  <link rel="icon" href="{% static 'notlagen/favicon.svg' %}" type="image/svg+xml">"""

SWAGGER_PAGE = (
    _HEAD
    + """
  <link rel="stylesheet" href="{{ swagger_ui_css }}">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{{ swagger_ui_bundle }}"></script>
  <script src="{{ swagger_ui_standalone }}"></script>
  <script src="{{ script_url }}"></script>
</body>
</html>"""
)

REDOC_PAGE = (
    _HEAD
    + """
</head>
<body>
  <redoc spec-url="{{ schema_url }}"></redoc>
  <script src="{{ redoc_standalone }}"></script>
</body>
</html>"""
)


class _StaffPage:
    # The session is checked by login_required around the view; no key, no throttle.
    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes: list = []


class _OwnPage(_StaffPage):
    """drf-spectacular computes the page's context; our template (above) renders it."""

    page: str = ""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if response.template_name != self.template_name:
            return response  # Swagger UI's start script (?script=), rendered as drf-spectacular does
        html = engines["django"].from_string(self.page).render(response.data, request)
        return HttpResponse(html)


class Schema(_StaffPage, SpectacularAPIView):
    pass


class Swagger(_OwnPage, SpectacularSwaggerSplitView):
    page = SWAGGER_PAGE


class Redoc(_OwnPage, SpectacularRedocView):
    page = REDOC_PAGE


schema = login_required(Schema.as_view())
swagger = login_required(Swagger.as_view(url_name="api:schema"))
redoc = csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
    login_required(Redoc.as_view(url_name="api:schema"))
)
