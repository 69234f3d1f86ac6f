from django.urls import path

from casework.views import overview, timeline

from .views import approvals, cases, sharing

app_name = "cases"

urlpatterns = [
    path("faelle/", cases.case_list, name="list"),
    path("faelle/neu/", cases.case_create, name="create"),
    path("faelle/<int:case_id>/", overview.overview, name="detail"),
    path("faelle/<int:case_id>/bearbeiten/", cases.case_edit, name="edit"),
    path("faelle/<int:case_id>/abschliessen/", cases.case_close, name="close"),
    path("faelle/<int:case_id>/status/<str:transition>/", cases.case_status, name="status"),
    path("faelle/<int:case_id>/notizen/", timeline.note_add, name="note_add"),
    path("faelle/<int:case_id>/freigaben/", sharing.case_grants, name="grants"),
    path("faelle/<int:case_id>/freigaben/<int:grant_id>/widerrufen/", sharing.grant_revoke, name="grant_revoke"),
    path("freigaben/genehmigen/", approvals.grants_to_approve, name="grants_to_approve"),
    path("freigaben/genehmigen/<int:grant_id>/", approvals.grant_decide, name="grant_decide"),
    path("personen/<int:person_id>/", cases.person_detail, name="person"),
    path("personen/<int:person_id>/einwilligungen/", sharing.person_consents, name="consents"),
    path(
        "personen/<int:person_id>/einwilligungen/<int:consent_id>/widerrufen/",
        sharing.consent_withdraw,
        name="consent_withdraw",
    ),
    path("zugriffsanfragen/", sharing.access_requests, name="access_requests"),
    path("zugriffsanfragen/<int:request_id>/", sharing.access_request_decide, name="access_request_decide"),
    path("zugriffsanfragen/neu/<str:token>/", sharing.access_request_from_match, name="access_request_create"),
    path("notfallzugriff/<str:token>/", sharing.break_glass, name="break_glass"),
]
