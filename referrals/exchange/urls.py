"""URLs of the exchange part (see referrals/urls.py: under "hilfeangebote/")."""

from django.urls import path

from . import views

urlpatterns = [
    path("austausch/", views.exchange, name="exchange"),
    path("export.json", views.export_json, name="export_json"),
    path("export.zip", views.export_csv, name="export_csv"),
    path("bestand/", views.inventory_page, name="inventory"),
    path("bestand.pdf", views.inventory_pdf, name="inventory_pdf"),
    path("bestand.csv", views.inventory_csv, name="inventory_csv"),
]
