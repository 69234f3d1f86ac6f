from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only view of the outbox for administrators; texts hold no social data."""

    list_display = ["created_at", "addressee", "channel", "kind", "status", "attempts", "next_attempt_at"]
    # The link is left out: an invitation's link would let its reader set the new account's password.
    exclude = ["link", "body", "payload"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["recipient__username", "recipient_email", "reference"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
