from django.urls import include, path

from .views import case, work

app_name = "referrals"

urlpatterns = [
    path("hilfeangebote/", include("referrals.directory.urls")),
    path("hilfeangebote/", include("referrals.exchange.urls")),
    path("faelle/<int:case_id>/vermittlungen/", case.case_referrals, name="case"),
    path("faelle/<int:case_id>/vermittlungen/neu/", case.create, name="create"),
    path("vermittlungen/eingang/", work.inbox, name="inbox"),
    path("vermittlungen/ausgang/", work.outgoing, name="outgoing"),
    path("vermittlungen/<int:referral_id>/", work.detail, name="detail"),
    path("vermittlungen/<int:referral_id>/vermittlungsschein.pdf", work.slip_pdf, name="slip"),
    path("vermittlungen/<int:referral_id>/<slug:action>/", work.act, name="act"),
]
