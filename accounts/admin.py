from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    # Groups and single permissions are not edited here: they follow the roles held
    # (agencies.Membership), so the admin cannot hand out rights past the role model.
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "language")}),
        (_("Status"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "is_staff", "memberships__agency", "memberships__role"]
    filter_horizontal = []
