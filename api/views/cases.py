"""Cases: the list for sync (keyset pages, `updated_since`, `status`) and one case, read through
the same selectors as the web list and workspace (cases.selectors, access.case_access)."""

from __future__ import annotations

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from access.case_access import case_access
from access.decide import require
from access.rules import Action
from cases import selectors
from cases.models import Case

from ..base import PartnerAPIView, etag_of
from ..pagination import paged
from ..serializers import CaseDetailSerializer, CasePageSerializer, CaseRowSerializer
from ._common import CURSOR, PAGE_SIZE


class AwareDateTimeField(serializers.DateTimeField):
    """ISO 8601 with its zone: a time without one is ambiguous across a partner's systems."""

    def to_internal_value(self, value):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is not None and parsed.tzinfo is None:
            raise serializers.ValidationError(_("Please give the time with its zone (ISO 8601)."))
        return super().to_internal_value(value)


class CaseListQuery(serializers.Serializer):
    updated_since = AwareDateTimeField(required=False)
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)
    cursor = serializers.CharField(required=False)
    page_size = serializers.IntegerField(required=False)


class CaseList(PartnerAPIView):
    @extend_schema(
        operation_id="cases_list",
        summary="Cases the agency may see, oldest change first (for sync)",
        parameters=[
            OpenApiParameter("updated_since", str, description="ISO 8601 time with zone."),
            OpenApiParameter("status", str, enum=Case.Status.values),
            CURSOR,
            PAGE_SIZE,
        ],
        responses=CasePageSerializer,
    )
    def get(self, request):
        require(request.user, Action.CASE_LIST)
        query = CaseListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        cases = selectors.cases_visible_to(user=request.user)
        # For a member of one agency the selector carries the change time on the permission row
        # (listed_at): paging on it stays on that index, as the web list does.
        field = "listed_at" if "listed_at" in cases.query.annotations else "updated_at"
        if since := query.validated_data.get("updated_since"):
            cases = cases.filter(**{f"{field}__gte": since})
        if status := query.validated_data.get("status"):
            cases = cases.filter(status=status)
        cases = selectors.with_text_visibility(
            cases.select_related("person", "district", "owner_agency"), user=request.user
        )
        return Response(paged(request, cases, lambda rows: CaseRowSerializer(rows, many=True).data, field=field))


class CaseDetail(PartnerAPIView):
    @extend_schema(
        operation_id="case_get", summary="One case, cut to the agency's scope", responses=CaseDetailSerializer
    )
    def get(self, request, case_id: int):
        access = case_access(user=request.user, case_id=case_id)
        response = Response(CaseDetailSerializer(access.case, context={"access": access}).data)
        response["ETag"] = etag_of(access.case)
        return response
