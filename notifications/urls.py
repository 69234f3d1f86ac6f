from django.urls import path

from . import views, webhook_views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/gelesen/", views.mark_read, name="mark_read"),
    path("alle-gelesen/", views.mark_all_read, name="mark_all_read"),
    path("test/", views.send_test, name="send_test"),
    path("zustellfehler/", views.dead_letters, name="dead_letters"),
    path("zustellfehler/<int:notification_id>/erneut/", views.retry, name="retry"),
    path("webhooks/", webhook_views.webhooks, name="webhooks"),
    path("webhooks/neu/", webhook_views.webhook_create, name="webhook_create"),
    path("webhooks/<int:endpoint_id>/", webhook_views.webhook_detail, name="webhook_detail"),
    path("webhooks/<int:endpoint_id>/schluessel/", webhook_views.webhook_rotate, name="webhook_rotate"),
    path("webhooks/<int:endpoint_id>/aktiv/", webhook_views.webhook_set_active, name="webhook_set_active"),
    path("webhooks/<int:endpoint_id>/test/", webhook_views.webhook_test, name="webhook_test"),
    path(
        "webhooks/<int:endpoint_id>/zustellungen/<int:notification_id>/erneut/",
        webhook_views.webhook_resend,
        name="webhook_resend",
    ),
]
