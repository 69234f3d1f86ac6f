from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import health, views


def _admin_login(request, extra_context=None):
    # The admin has no login of its own: ours applies lockout and the second factor. A logged-in
    # person without admin rights gets the same 404 as any page they may not see.
    if request.user.is_authenticated:
        raise Http404
    return redirect_to_login(request.get_full_path())


admin.site.login = _admin_login
admin.site.site_header = _("Notlagen administration")
admin.site.site_title = _("Notlagen administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("accounts.urls")),
    path("benachrichtigungen/", include("notifications.urls")),
    path("verwaltung/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
