from django.urls import path

from . import views

app_name = "agencies"

urlpatterns = [
    path("rollen/", views.roles, name="roles"),
    path("rollen/<int:membership_id>/", views.role_decide, name="role_decide"),
]
