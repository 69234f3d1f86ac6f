from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:notification_id>/gelesen/", views.mark_read, name="mark_read"),
    path("alle-gelesen/", views.mark_all_read, name="mark_all_read"),
    path("test/", views.send_test, name="send_test"),
    path("zustellfehler/", views.dead_letters, name="dead_letters"),
    path("zustellfehler/<int:notification_id>/erneut/", views.retry, name="retry"),
]
