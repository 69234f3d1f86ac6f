from django.urls import path

from .views import documents, intake, plan, records, risk, situation, timeline

app_name = "casework"

urlpatterns = [
    path("erstgespraech/", intake.intake_start, name="intake_start"),
    path("faelle/<int:case_id>/erstgespraech/", intake.intake_begin, name="intake_begin"),
    path("faelle/<int:case_id>/erstgespraech/<str:step>/", intake.intake_step, name="intake_step"),
    path("faelle/<int:case_id>/erstgespraech/<str:step>/entwurf/", intake.intake_autosave, name="intake_autosave"),
    path("faelle/<int:case_id>/verlauf/", timeline.timeline, name="timeline"),
    path("faelle/<int:case_id>/aufgaben/", records.tasks, name="tasks"),
    path("faelle/<int:case_id>/aufgaben/neu/", records.task_add, name="task_add"),
    path("faelle/<int:case_id>/aufgaben/<int:task_id>/erledigt/", records.task_toggle, name="task_toggle"),
    path("faelle/<int:case_id>/termine/neu/", records.appointment_add, name="appointment_add"),
    path(
        "faelle/<int:case_id>/termine/<int:appointment_id>/absagen/",
        records.appointment_cancel,
        name="appointment_cancel",
    ),
    path("faelle/<int:case_id>/dokumente/", documents.documents, name="documents"),
    path(
        "faelle/<int:case_id>/dokumente/<int:document_id>/herunterladen/",
        documents.document_download,
        name="document_download",
    ),
    path("faelle/<int:case_id>/hilfeplan/", plan.plan, name="plan"),
    path("faelle/<int:case_id>/hilfeplan/ziele/<int:goal_id>/", plan.goal_change, name="goal_change"),
    path(
        "faelle/<int:case_id>/hilfeplan/schritte/<int:step_id>/erledigt/",
        plan.goal_step_toggle,
        name="goal_step_toggle",
    ),
    path("faelle/<int:case_id>/gefaehrdung/", risk.risk, name="risk"),
    path("faelle/<int:case_id>/lage/", situation.situation_edit, name="situation_edit"),
    path("faelle/<int:case_id>/uebergabe/", situation.handover, name="handover"),
]
