from django.urls import path

from . import views

app_name = "retention"

urlpatterns = [
    path("", views.review, name="review"),
    path("fristen/", views.rules, name="rules"),
    path("fristen/aendern/", views.rule_edit, name="rule_edit"),
    path("fall/<int:case_id>/sperre/", views.case_hold, name="hold"),
]
