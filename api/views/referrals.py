"""Referrals: the agency's incoming and outgoing ones (keyset pages for sync), one referral, and
the receiver's steps (accept, decline, first contact, completion) through the same services as
the web (referrals.services.lifecycle), with If-Match against the referral's version."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from referrals import selectors
from referrals.services import lifecycle

from ..base import PartnerAPIView, etag_of, expected_version
from ..pagination import paged
from ..serializers import (
    AcceptSerializer,
    CompleteSerializer,
    DeclineSerializer,
    FirstContactSerializer,
    ReferralPageSerializer,
    ReferralSerializer,
)
from ._common import CURSOR, IDEMPOTENCY_KEY, IF_MATCH, PAGE_SIZE


def _serialize(rows):
    return ReferralSerializer(rows, many=True).data


class _Listing(PartnerAPIView):
    selector = None

    @extend_schema(parameters=[CURSOR, PAGE_SIZE], responses=ReferralPageSerializer)
    def get(self, request):
        rows = type(self).selector(user=request.user, agency_id=request.api_client.agency_id)
        return Response(paged(request, rows, _serialize))


class IncomingReferrals(_Listing):
    selector = staticmethod(selectors.incoming_referrals)


class OutgoingReferrals(_Listing):
    selector = staticmethod(selectors.outgoing_referrals)


def _answer(view, request, referral_id, body_serializer, step):
    referral = selectors.referral_get(user=request.user, referral_id=referral_id).referral
    view.once(request)  # before If-Match: a replay answers as the first time, whatever changed since
    version = expected_version(request, referral)
    data = {}
    if body_serializer is not None:
        body = body_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
    moved = step(actor=request.user, referral=referral, version=version, **data)
    fresh = selectors.referral_get(user=request.user, referral_id=moved.pk).referral
    response = Response(ReferralSerializer(fresh).data)
    response["ETag"] = etag_of(fresh)
    return response


class ReferralDetail(PartnerAPIView):
    @extend_schema(summary="One referral, from the caller's side", responses=ReferralSerializer)
    def get(self, request, referral_id: int):
        referral = selectors.referral_get(user=request.user, referral_id=referral_id).referral
        response = Response(ReferralSerializer(referral).data)
        response["ETag"] = etag_of(referral)
        return response


def _step_view(name: str, body_serializer, step, summary: str):
    @extend_schema(
        summary=summary, request=body_serializer, parameters=[IF_MATCH, IDEMPOTENCY_KEY], responses=ReferralSerializer
    )
    def post(self, request, referral_id: int):
        return _answer(self, request, referral_id, body_serializer, step)

    return type(name, (PartnerAPIView,), {"post": post, "__doc__": summary})


AcceptReferral = _step_view(
    "AcceptReferral", AcceptSerializer, lifecycle.referral_accept, "Accept (opens the grant the referral asks for)"
)
DeclineReferral = _step_view("DeclineReferral", DeclineSerializer, lifecycle.referral_decline, "Decline with a reason")
ReportFirstContact = _step_view(
    "ReportFirstContact", FirstContactSerializer, lifecycle.referral_first_contact, "Report the first contact"
)
CompleteReferral = _step_view("CompleteReferral", CompleteSerializer, lifecycle.referral_complete, "Report the outcome")
