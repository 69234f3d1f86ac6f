"""URLs of the committee reports (under /berichte/)."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:report_id>/", views.detail, name="detail"),
    path("<int:report_id>/stand/", views.status, name="status"),
    path("<int:report_id>/neu-berechnen/", views.recompute, name="recompute"),
    path("<int:report_id>/bericht.pdf", views.download_pdf, name="pdf"),
    path("<int:report_id>/bericht.csv", views.download_csv, name="csv"),
    path("<int:report_id>/bericht.xlsx", views.download_xlsx, name="xlsx"),
]
