"""Reference data of agencies is managed in the Django admin; memberships go through the service
so the role groups stay in step."""

from django.contrib import admin

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


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "org_unit", "role", "created_at"]
    list_filter = ["role", "agency"]
    search_fields = ["user__username", "user__last_name", "agency__name"]
    autocomplete_fields = ["user", "agency"]

    def save_model(self, request, obj, form, change):
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
