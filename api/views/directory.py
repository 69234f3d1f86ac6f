"""Help offers: every client reads the directory (DIRECTORY_VIEW); a provider's own system keeps
its offers' availability current (access.directory decides whose offers), with If-Match."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from access.decide import require
from access.directory import require_offer_edit
from access.rules import Action
from referrals.directory import selectors
from referrals.directory.services import OfferChangedError, offer_availability_update

from ..base import PartnerAPIView, etag_of, expected_version
from ..pagination import paged
from ..problems import PreconditionFailed
from ..serializers_directory import OfferAvailabilitySerializer, OfferSerializer
from ._common import CURSOR, IF_MATCH_REQUIRED, PAGE_SIZE, many, page_of


def _offer(request, offer_id):
    require(request.user, Action.DIRECTORY_VIEW)
    return selectors.offer_get_for(user=request.user, offer_id=offer_id)[0]


def _answer(offer, status: int = 200) -> Response:
    response = Response(OfferSerializer(offer).data, status=status)
    response["ETag"] = etag_of(offer)
    return response


class Offers(PartnerAPIView):
    @extend_schema(
        operation_id="offers_list",
        summary="Active help offers of the directory",
        parameters=[CURSOR, PAGE_SIZE],
        responses=page_of(OfferSerializer),
    )
    def get(self, request):
        require(request.user, Action.DIRECTORY_VIEW)
        return Response(paged(request, selectors.listed_offers(), many(OfferSerializer)))


class OfferDetail(PartnerAPIView):
    @extend_schema(operation_id="offer_get", summary="One help offer", responses=OfferSerializer)
    def get(self, request, offer_id: int):
        return _answer(_offer(request, offer_id))

    @extend_schema(
        operation_id="offer_availability_update",
        summary="Keep a provider's own offer current (capacity, waiting time, contact)",
        request=OfferAvailabilitySerializer,
        parameters=[IF_MATCH_REQUIRED],
        responses=OfferSerializer,
    )
    def patch(self, request, offer_id: int):
        offer = _offer(request, offer_id)
        require_offer_edit(request.user, offer.provider)  # refused before anything else is said
        version = expected_version(request, offer, required=True)
        body = OfferAvailabilitySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            offer_availability_update(actor=request.user, offer=offer, version=version, **body.validated_data)
        except OfferChangedError:
            raise PreconditionFailed() from None
        return _answer(_offer(request, offer_id))
