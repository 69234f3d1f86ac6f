from django.urls import path

from .views import meeting, networks

app_name = "networks"

urlpatterns = [
    path("netzwerke/", networks.network_list, name="list"),
    path("netzwerke/neu/", networks.network_new, name="create"),
    path("netzwerke/<int:network_id>/", networks.detail, name="detail"),
    path("netzwerke/<int:network_id>/bearbeiten/", networks.edit, name="edit"),
    path("netzwerke/<int:network_id>/treffen/neu/", networks.plan, name="plan"),
    path("netzwerktreffen/<int:meeting_id>/", meeting.detail, name="meeting"),
    path("netzwerktreffen/<int:meeting_id>/einladung.ics", meeting.invitation_ics, name="ics"),
    path("netzwerktreffen/<int:meeting_id>/protokoll/entwurf/", meeting.autosave, name="autosave"),
    path("netzwerktreffen/<int:meeting_id>/<slug:meeting_step>/", meeting.act, name="act"),
    path("netzwerktreffen/massnahmen/<int:network_action_id>/erledigt/", meeting.action_done, name="action_done"),
]
