"""URLs of the directory part (see referrals/urls.py, which gives the namespace "referrals" and
the prefix "hilfeangebote/")."""

from django.urls import path

from . import editing, views

urlpatterns = [
    path("", views.directory, name="directory"),
    path("drucken/", views.directory_print, name="directory_print"),
    path("drucken.pdf", views.directory_pdf, name="directory_pdf"),
    path("neu/", editing.offer_create, name="offer_create"),
    path("<int:offer_id>/", views.offer_detail, name="offer"),
    path("<int:offer_id>/bearbeiten/", editing.offer_edit, name="offer_edit"),
    path("<int:offer_id>/deaktivieren/", editing.offer_deactivate, name="offer_deactivate"),
]
