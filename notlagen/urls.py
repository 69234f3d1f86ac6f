from django.contrib import admin
from django.urls import include, path

from . import health, views

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("accounts.urls")),
    path("benachrichtigungen/", include("notifications.urls")),
    path("", include("cases.urls")),
    path("", include("casework.urls")),
    path("", include("payments.urls")),
    path("", include("referrals.urls")),
    path("", include("consultations.urls")),
    path("", include("conferences.urls")),
    path("", include("networks.urls")),
    path("", include("agencies.urls")),
    path("", include("api.web_urls")),
    path("revision/", include("audit.urls")),
    path("datenschutz/", include("privacy.urls")),
    path("loeschfristen/", include("retention.urls")),
    path("berichte/", include("reports.urls")),
    path("api/v1/", include("api.urls")),
    path("verwaltung/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]

handler403 = "notlagen.views.permission_denied_as_not_found"
