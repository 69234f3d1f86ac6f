"""The staff pages for partner clients and their keys (the API itself is api.urls)."""

from django.urls import path

from . import web_views

app_name = "api_clients"

urlpatterns = [
    path("api-zugaenge/", web_views.clients, name="list"),
    path("api-zugaenge/neu/", web_views.client_create, name="create"),
    path("api-zugaenge/<int:client_id>/", web_views.client_detail, name="detail"),
    path("api-zugaenge/<int:client_id>/bearbeiten/", web_views.client_edit, name="edit"),
    path("api-zugaenge/<int:client_id>/deaktivieren/", web_views.client_deactivate, name="deactivate"),
    path("api-zugaenge/<int:client_id>/schluessel/", web_views.key_issue, name="key_issue"),
    path("api-zugaenge/<int:client_id>/schluessel/<int:key_id>/erneuern/", web_views.key_rotate, name="key_rotate"),
    path("api-zugaenge/<int:client_id>/schluessel/<int:key_id>/widerrufen/", web_views.key_revoke, name="key_revoke"),
]
