from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.services import memberships_reconfirm

from .invitations import invitation_send
from .models import User

# Roles are defined in code (agencies.roles) and nobody is a member of a group; editing groups
# by hand would suggest otherwise. TOTP keys are secrets: the admin resets a second factor, never shows it.
admin.site.unregister(Group)
admin.site.unregister(TOTPDevice)


class NewAccountForm(forms.ModelForm):
    """A new account without a password: its holder sets one through the invitation link."""

    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "email", "language"]

    def clean_email(self):
        email = self.cleaned_data.get("email", "").strip()
        if not email:
            raise ValidationError(_("The invitation is sent to this address; please enter it."))
        return email


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    add_form = NewAccountForm
    add_fieldsets = ((None, {"fields": ("username", "first_name", "last_name", "email", "language")}),)
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "memberships__agency", "memberships__role"]
    filter_horizontal = []
    actions = ["send_invitation", "reset_second_factor"]

    def save_model(self, request, obj, form, change):
        revived = change and "is_active" in form.changed_data and obj.is_active
        new_address = change and "email" in form.changed_data and obj.last_login is None
        super().save_model(request, obj, form, change)
        if revived or new_address:
            # A switched-on account, or a new address of one never used: its roles need a
            # second person's confirmation again (two-person control cannot be side-stepped).
            memberships_reconfirm(actor=request.user, user=obj, reason="account changed")
        if not change:
            invitation_send(actor=request.user, user=obj)
            self.message_user(request, _("The account has been created and invited by mail."), messages.SUCCESS)

    def user_change_password(self, request, id, form_url=""):
        # An administrator never sets a password: new accounts set theirs through an
        # invitation, accounts in use under "My account". Refused like a missing page.
        raise PermissionDenied

    @admin.action(description=_("Send the invitation again (accounts never used)"))
    def send_invitation(self, request, queryset):
        sent = 0
        for user in queryset:
            try:
                invitation_send(actor=request.user, user=user)
            except ValidationError as error:
                self.message_user(request, f"{user}: {' '.join(error.messages)}", messages.WARNING)
            else:
                sent += 1
        self.message_user(request, _("%(n)d invitation(s) sent.") % {"n": sent}, messages.SUCCESS)

    @admin.action(description=_("Reset second factor (lost phone)"))
    def reset_second_factor(self, request, queryset):
        deleted, _details = TOTPDevice.objects.filter(user__in=queryset).delete()
        self.message_user(
            request,
            _("Second factor reset for the selected accounts; they set it up again at the next login."),
            messages.SUCCESS,
        )
