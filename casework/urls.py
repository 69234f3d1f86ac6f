from django.urls import path

from .views import intake, workspace

app_name = "casework"

urlpatterns = [
    path("erstgespraech/", intake.intake_start, name="intake_start"),
    path("faelle/<int:case_id>/erstgespraech/", intake.intake_begin, name="intake_begin"),
    path("faelle/<int:case_id>/erstgespraech/<str:step>/", intake.intake_step, name="intake_step"),
    path("faelle/<int:case_id>/erstgespraech/<str:step>/entwurf/", intake.intake_autosave, name="intake_autosave"),
    path("faelle/<int:case_id>/verlauf/", workspace.timeline, name="timeline"),
    path("faelle/<int:case_id>/aufgaben/", workspace.tasks, name="tasks"),
    path("faelle/<int:case_id>/aufgaben/neu/", workspace.task_add, name="task_add"),
    path("faelle/<int:case_id>/aufgaben/<int:task_id>/erledigt/", workspace.task_toggle, name="task_toggle"),
    path("faelle/<int:case_id>/termine/neu/", workspace.appointment_add, name="appointment_add"),
    path(
        "faelle/<int:case_id>/termine/<int:appointment_id>/absagen/",
        workspace.appointment_cancel,
        name="appointment_cancel",
    ),
    path("faelle/<int:case_id>/dokumente/", workspace.documents, name="documents"),
    path(
        "faelle/<int:case_id>/dokumente/<int:document_id>/herunterladen/",
        workspace.document_download,
        name="document_download",
    ),
    path("faelle/<int:case_id>/hilfeplan/", workspace.plan, name="plan"),
    path("faelle/<int:case_id>/hilfeplan/ziele/<int:goal_id>/", workspace.goal_change, name="goal_change"),
    path(
        "faelle/<int:case_id>/hilfeplan/schritte/<int:step_id>/erledigt/",
        workspace.goal_step_toggle,
        name="goal_step_toggle",
    ),
    path("faelle/<int:case_id>/lage/", workspace.situation_edit, name="situation_edit"),
    path("faelle/<int:case_id>/uebergabe/", workspace.handover, name="handover"),
]
