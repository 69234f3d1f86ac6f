from django.urls import path

from .views import case, desk

app_name = "payments"

urlpatterns = [
    path("faelle/<int:case_id>/finanzielle-hilfe/", case.payments, name="case"),
    path("faelle/<int:case_id>/finanzielle-hilfe/<int:payment_id>/", case.detail, name="detail"),
    path("faelle/<int:case_id>/finanzielle-hilfe/<int:payment_id>/<slug:action>/", case.act, name="act"),
    path("zahlungen/", desk.queue, name="queue"),
    path("zahlungen/budgets/", desk.budgets, name="budgets"),
    path("zahlungen/export/", desk.export, name="export"),
    path("zahlungen/exporte/<int:export_id>/", desk.download, name="download"),
    path("zahlungen/kontoauszug/", desk.statement_upload, name="statement"),
]
