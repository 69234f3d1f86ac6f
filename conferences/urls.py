from django.urls import path

from .views import case, page

app_name = "conferences"

urlpatterns = [
    path("faelle/<int:case_id>/fallkonferenzen/", case.case_conferences, name="case"),
    path("faelle/<int:case_id>/fallkonferenzen/neu/", case.convene, name="convene"),
    path("fallkonferenzen/", page.mine, name="mine"),
    path("fallkonferenzen/<int:conference_id>/", page.detail, name="detail"),
    path("fallkonferenzen/<int:conference_id>/einladung.ics", page.invitation_ics, name="ics"),
    path("fallkonferenzen/<int:conference_id>/protokoll.pdf", page.minutes_pdf_view, name="pdf"),
    path("fallkonferenzen/<int:conference_id>/protokoll/entwurf/", page.autosave, name="autosave"),
    path("fallkonferenzen/<int:conference_id>/<slug:conference_step>/", page.act, name="act"),
]
