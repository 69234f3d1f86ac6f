from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.export_csv, name="export"),
    path("eintrag/<int:entry_id>/", views.entry_detail, name="entry"),
    path("person/<int:person_id>/", views.person_report, name="person_report"),
    path("pruefungen/", views.reviews, name="reviews"),
    path("pruefungen/<int:review_id>/", views.review_detail, name="review"),
    path("integritaet/", views.integrity, name="integrity"),
    path("integritaet/pruefen/", views.integrity_start, name="integrity_start"),
]
