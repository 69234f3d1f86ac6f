"""The Django admin for reference data. It has no login of its own (ours applies lockout and the
second factor), and to a logged-in person without admin rights it looks like any page they may
not see: 404."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from access.decide import may
from access.rules import Action


class NotlagenAdminSite(admin.AdminSite):
    site_header = _("Notlagen administration")
    site_title = _("Notlagen administration")

    def has_permission(self, request) -> bool:
        # The access layer decides (Action.ADMIN_USE: an administrator's role on a staff account).
        return may(request.user, Action.ADMIN_USE) is not None

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return guarded

    def login(self, request, extra_context=None):
        if request.user.is_authenticated:
            raise Http404
        return redirect_to_login(request.GET.get("next") or request.get_full_path())
