from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

# Roles are defined in code (agencies.roles) and groups follow memberships; editing groups by
# hand would bypass that. TOTP keys are secrets: the admin resets a second factor, never shows it.
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__agency", "memberships__role"]
    filter_horizontal = []
    actions = ["reset_second_factor"]

    def user_change_password(self, request, id, form_url=""):
        # Administrators set first passwords for new accounts only. An account in use keeps
        # its password: setting it would let an administrator log in as a case worker.
        user = self.get_object(request, id)
        if user is not None and user.last_login is not None and user.pk != request.user.pk:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description=_("Reset second factor (lost phone)"))
    def reset_second_factor(self, request, queryset):
        deleted, _details = TOTPDevice.objects.filter(user__in=queryset).delete()
        self.message_user(
            request,
            _("Second factor reset for the selected accounts; they set it up again at the next login."),
            messages.SUCCESS,
        )
