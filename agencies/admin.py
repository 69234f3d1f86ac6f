"""Reference data of agencies is managed in the Django admin; memberships go through the service
so the role groups stay in step."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from .models import Agency, District, Location, Membership, OrgUnit
from .services import membership_add, membership_remove


class OrgUnitInline(admin.TabularInline):
    model = OrgUnit
    extra = 0


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0
    autocomplete_fields = ["district"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "municipality", "is_active"]
    list_filter = ["kind", "municipality", "is_active"]
    search_fields = ["name", "short_name"]
    inlines = [OrgUnitInline, LocationInline]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality", "kind"]
    list_filter = ["municipality", "kind"]
    search_fields = ["name"]


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "agency", "org_unit", "role"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if user.pk == self.acting_user.pk:
            raise forms.ValidationError(_("You cannot give yourself a role. Another administrator has to do it."))
        return user


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "agency", "org_unit", "role", "created_at"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "user__last_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]

    def has_change_permission(self, request, obj=None):
        # Nobody hands roles to themselves: an administrator who made themselves a team lead
        # somewhere would read that agency's cases. Another administrator has to do it.
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.user_id == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.acting_user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if obj.user_id == request.user.pk:
            raise PermissionDenied
        if change:
            # A changed membership is a removal of the old role and the grant of the new one.
            old = Membership.objects.get(pk=obj.pk)
            membership_remove(membership=old)
        saved = membership_add(user=obj.user, agency=obj.agency, role=obj.role, org_unit=obj.org_unit)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        membership_remove(membership=obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            membership_remove(membership=membership)
