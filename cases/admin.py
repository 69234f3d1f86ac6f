"""Reference data of the access model in the Django admin. Persons, cases, notes, consents and
grants are deliberately not registered: the admin must not be a side door to case content."""

from django.contrib import admin

from .models import ConsentText, Statute


@admin.register(Statute)
class StatuteAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "title"]


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["title", "version", "is_active", "created_at"]
    list_filter = ["is_active"]

    def get_readonly_fields(self, request, obj=None):
        # A version someone has consented to is evidence: only "offered" may still change.
        if obj is not None and obj.is_used:
            return ["title", "version", "body"]
        return []

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or not obj.is_used)
