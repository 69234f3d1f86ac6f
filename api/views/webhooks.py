"""A partner system keeps its agency's webhook subscriptions (notifications.webhook_admin, which
asks WEBHOOKS_MANAGE: the client needs the service account role) and reads the event feed —
the same events, for systems that cannot receive webhooks (keyset pages, ids only)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from access.decide import require_in
from access.errors import as_int
from notifications import webhook_admin
from notifications.events import WEBHOOK_EVENTS
from notifications.selectors import partner_events_of

from ..base import PartnerAPIView
from ..pagination import paged
from ..serializers import StrictSerializer
from ._common import CURSOR, IDEMPOTENCY_KEY, PAGE_SIZE, many, page_of


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField()
    events = serializers.ListField(child=serializers.CharField(), help_text="Empty: every event.")
    is_active = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(help_text="Shown once: store it now (Standard Webhooks signing secret).")


class WebhookCreateSerializer(StrictSerializer):
    url = serializers.URLField(max_length=500)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=list(WEBHOOK_EVENTS)), required=False, default=list
    )


class WebhookChangeSerializer(StrictSerializer):
    is_active = serializers.BooleanField()


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.CharField()
    data = serializers.DictField()
    created_at = serializers.DateTimeField()


def _endpoints(request):
    agency_id = request.api_client.agency_id
    require_in(request.user, webhook_admin.MANAGE, agency_id)
    groups = webhook_admin.endpoints_by_agency(user=request.user)
    return [endpoint for group in groups if group.agency.pk == agency_id for endpoint in group.endpoints]


class Webhooks(PartnerAPIView):
    @extend_schema(
        operation_id="webhooks_list", summary="The agency's webhook endpoints", responses=WebhookSerializer(many=True)
    )
    def get(self, request):
        return Response(WebhookSerializer(_endpoints(request), many=True).data)

    @extend_schema(
        operation_id="webhook_create",
        summary="Subscribe an endpoint (the secret is shown once)",
        request=WebhookCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: WebhookCreatedSerializer},
    )
    def post(self, request):
        require_in(request.user, webhook_admin.MANAGE, request.api_client.agency_id)
        self.once(request)
        body = WebhookCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        endpoint, secret = webhook_admin.webhook_endpoint_register(
            actor=request.user, agency=request.api_client.agency, **body.validated_data
        )
        return Response({**WebhookSerializer(endpoint).data, "secret": secret}, status=201)


def _endpoint(request, endpoint_id):
    return webhook_admin.endpoint_for(user=request.user, endpoint_id=as_int(endpoint_id, object_type="webhook"))


class WebhookDetail(PartnerAPIView):
    @extend_schema(
        operation_id="webhook_change",
        summary="Switch an endpoint off or on",
        request=WebhookChangeSerializer,
        responses=WebhookSerializer,
    )
    def patch(self, request, endpoint_id: int):
        endpoint = _endpoint(request, endpoint_id)
        body = WebhookChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        webhook_admin.webhook_endpoint_set_active(
            actor=request.user, endpoint=endpoint, **{"active": body.validated_data["is_active"]}
        )
        return Response(WebhookSerializer(endpoint).data)


class WebhookTest(PartnerAPIView):
    @extend_schema(
        operation_id="webhook_test",
        summary="Send a test event through the outbox",
        request=None,
        parameters=[IDEMPOTENCY_KEY],
        responses={202: None},
    )
    def post(self, request, endpoint_id: int):
        endpoint = _endpoint(request, endpoint_id)
        self.once(request)
        webhook_admin.webhook_test_send(actor=request.user, endpoint=endpoint)
        return Response(status=202)


class Events(PartnerAPIView):
    @extend_schema(
        operation_id="events_list",
        summary="What happened since the cursor (for systems without webhooks)",
        parameters=[CURSOR, PAGE_SIZE],
        responses=page_of(EventSerializer),
    )
    def get(self, request):
        rows = partner_events_of(user=request.user, agency_id=request.api_client.agency_id)
        return Response(paged(request, rows, many(EventSerializer), field="created_at"))
