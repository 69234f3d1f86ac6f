"""URLs of consultation hours (Sprechstunden). The first three are public (no login); the rest
are for staff and check the access layer."""

from django.urls import path

from .views import manage, public, report, work

app_name = "consultations"

urlpatterns = [
    path("sprechstunden/", public.public_list, name="public"),
    path("sprechstunden/kalender.ics", public.calendar_feed, name="calendar"),
    path("sprechstunden/aushang/<int:location_id>/", public.poster, name="poster"),
    path("sprechstunden/verwalten/", manage.hour_list, name="hours"),
    path("sprechstunden/verwalten/neu/", manage.hour_create, name="hour_create"),
    path("sprechstunden/verwalten/<int:hour_id>/", manage.hour_detail, name="hour"),
    path("sprechstunden/verwalten/<int:hour_id>/bearbeiten/", manage.hour_edit, name="hour_edit"),
    path("sprechstunden/verwalten/<int:hour_id>/ausnahmen/", work.exception_add, name="exception_add"),
    path(
        "sprechstunden/verwalten/<int:hour_id>/ausnahmen/<int:exception_id>/entfernen/",
        work.exception_remove,
        name="exception_remove",
    ),
    path("sprechstunden/verwalten/<int:hour_id>/termine/", work.booking_add, name="booking_add"),
    path(
        "sprechstunden/verwalten/<int:hour_id>/termine/<int:booking_id>/absagen/",
        work.booking_cancel,
        name="booking_cancel",
    ),
    path("sprechstunden/verwalten/<int:hour_id>/kontakt/", work.contact_add, name="contact_add"),
    path("sprechstunden/auswertung/", report.uptake, name="uptake"),
    path("sprechstunden/auswertung.csv", report.uptake_csv, name="uptake_csv"),
]
