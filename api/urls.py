from django.urls import path, re_path

from .base import NoSuchEndpoint
from .views import cases, casework, directory, docs, referrals, webhooks

app_name = "api"

urlpatterns = [
    path("cases/", cases.CaseList.as_view(), name="cases"),
    path("cases/<int:case_id>/", cases.CaseDetail.as_view(), name="case"),
    path("cases/<int:case_id>/notes/", casework.CaseNotes.as_view(), name="case-notes"),
    path("cases/<int:case_id>/payments/", casework.CasePayments.as_view(), name="case-payments"),
    path("persons/<int:person_id>/", casework.PersonDetail.as_view(), name="person"),
    path("grants/", casework.HeldGrants.as_view(), name="grants"),
    path("access-requests/", casework.AccessRequests.as_view(), name="access-requests"),
    path("offers/", directory.Offers.as_view(), name="offers"),
    path("offers/<int:offer_id>/", directory.OfferDetail.as_view(), name="offer"),
    path("referrals/incoming/", referrals.IncomingReferrals.as_view(), name="referrals-incoming"),
    path("referrals/outgoing/", referrals.OutgoingReferrals.as_view(), name="referrals-outgoing"),
    path("referrals/<int:referral_id>/", referrals.ReferralDetail.as_view(), name="referral"),
    path("referrals/<int:referral_id>/accept/", referrals.AcceptReferral.as_view(), name="referral-accept"),
    path("referrals/<int:referral_id>/decline/", referrals.DeclineReferral.as_view(), name="referral-decline"),
    path("referrals/<int:referral_id>/first-contact/", referrals.ReportFirstContact.as_view(), name="referral-contact"),
    path("referrals/<int:referral_id>/complete/", referrals.CompleteReferral.as_view(), name="referral-complete"),
    path("webhooks/", webhooks.Webhooks.as_view(), name="webhooks"),
    path("webhooks/<int:endpoint_id>/", webhooks.WebhookDetail.as_view(), name="webhook"),
    path("webhooks/<int:endpoint_id>/test/", webhooks.WebhookTest.as_view(), name="webhook-test"),
    path("events/", webhooks.Events.as_view(), name="events"),
    path("schema/", docs.schema, name="schema"),
    path("docs/", docs.swagger, name="docs"),
    path("redoc/", docs.redoc, name="redoc"),
    # Last: every other path answers the API's 404 problem, not the web's page.
    re_path(r"^[\s\S]*$", NoSuchEndpoint.as_view(), name="no-such-endpoint"),
]
