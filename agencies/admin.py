"""Reference data of agencies is managed in the Django admin. Roles go through the services:
adding one asks for it (a second person confirms it under "Roles to confirm"), removing one
takes effect at once, and deactivating an agency cuts its members' access."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Agency, District, Location, Membership, OrgUnit
from .services import (
    agency_deactivate,
    membership_remove,
    membership_request,
    memberships_reconfirm,
    request_errors,
)


class OrgUnitInline(admin.TabularInline):
    model = OrgUnit
    extra = 0


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0
    autocomplete_fields = ["district"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "municipality", "is_active", "receives_case_data"]
    list_filter = ["kind", "municipality", "is_active"]
    search_fields = ["name", "short_name"]
    inlines = [OrgUnitInline, LocationInline]

    def get_readonly_fields(self, request, obj=None):
        # The kind decides how long the agency's case files are kept (retention.kinds): once it
        # owns cases, changing it would shorten their periods around the rules' four eyes.
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.cases.exists():
            readonly.append("kind")
        return readonly

    def save_model(self, request, obj, form, change):
        deactivated = change and "is_active" in form.changed_data and not obj.is_active
        revived = change and "is_active" in form.changed_data and obj.is_active
        if deactivated:
            obj.is_active = True  # the service deactivates, so the access is cut in the same step
        super().save_model(request, obj, form, change)
        if deactivated:
            agency_deactivate(actor=request.user, agency=obj)
        if revived:
            # Switching an agency on again revives no role by itself: each needs confirmation.
            memberships_reconfirm(actor=request.user, agency=obj, reason="agency switched on again")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name"]


class MembershipRequestForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "agency", "org_unit", "role"]

    def clean(self):
        data = super().clean()
        if all(data.get(name) for name in ("user", "agency", "role")):
            errors = request_errors(
                actor=self.acting_user,
                user=data["user"],
                agency=data["agency"],
                role=data["role"],
                org_unit=data.get("org_unit"),
            )
            if errors:
                raise ValidationError(errors)
        return data


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipRequestForm
    list_display = ["user", "agency", "org_unit", "role", "status", "requested_by", "confirmed_by", "created_at"]
    list_filter = ["status", "role", "agency"]
    search_fields = ["user__username", "user__last_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]

    def has_change_permission(self, request, obj=None):
        # A role is asked for or taken away, never edited into another one.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        saved = membership_request(
            actor=request.user, user=obj.user, agency=obj.agency, role=obj.role, org_unit=obj.org_unit
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        membership_remove(actor=request.user, membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            membership_remove(actor=request.user, membership=membership)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(request, _("The role awaits a second person's confirmation before it takes effect."))
        return super().response_add(request, obj, post_url_continue)
