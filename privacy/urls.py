from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("neu/", views.request_new, name="new"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/entscheiden/", views.request_decide, name="decide"),
    path("<int:request_id>/frist/", views.request_extend, name="extend"),
    path("<int:request_id>/beantwortet/", views.request_answer, name="answer"),
    path("<int:request_id>/auskunft/", views.report, name="report"),
    path("<int:request_id>/auskunft/zurueckhalten/", views.report_withhold, name="withhold"),
    path("<int:request_id>/auskunft.pdf", views.report_pdf_download, name="report_pdf"),
    path("<int:request_id>/auskunft.json", views.report_json_download, name="report_json"),
    path("<int:request_id>/dokumente/<int:document_id>/", views.document_download, name="document"),
]
