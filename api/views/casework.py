"""A case's persons, notes and payments, and the agency's grants and access requests: each
read through the selector the web uses (cases.selectors, payments.selectors), notes written
through cases.services.note_add. The category rules (which notes a scope and role read or
write) are the access layer's, asked by those functions."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from access.case_access import case_access
from access.decide import require
from access.rules import Action
from cases import selectors, services
from cases.scopes import NoteCategory
from payments.selectors import payments_of

from ..base import PartnerAPIView
from ..pagination import paged
from ..serializers_casework import (
    AccessRequestSerializer,
    HeldGrantSerializer,
    NoteCreateSerializer,
    NoteSerializer,
    PaymentSerializer,
    PersonSerializer,
)
from ._common import CURSOR, IDEMPOTENCY_KEY, PAGE_SIZE, many, page_of


class NotesQuery(serializers.Serializer):
    category = serializers.ChoiceField(choices=NoteCategory.choices, required=False)


class PersonDetail(PartnerAPIView):
    @extend_schema(operation_id="person_get", summary="A person the agency may see", responses=PersonSerializer)
    def get(self, request, person_id: int):
        person = selectors.person_get_for(user=request.user, person_id=person_id)
        return Response(PersonSerializer(person).data)


class CaseNotes(PartnerAPIView):
    @extend_schema(
        operation_id="case_notes_list",
        summary="Notes of the categories the agency may read",
        parameters=[OpenApiParameter("category", str, enum=NoteCategory.values), CURSOR, PAGE_SIZE],
        responses=page_of(NoteSerializer),
    )
    def get(self, request, case_id: int):
        access = case_access(user=request.user, case_id=case_id, action=Action.RECORDS_VIEW)
        notes = selectors.notes_visible_to(user=request.user, access=access)
        query = NotesQuery(data={k: v for k, v in request.query_params.items() if k == "category"})
        query.is_valid(raise_exception=True)
        if category := query.validated_data.get("category"):
            notes = notes.filter(category=category)
        return Response(paged(request, notes, many(NoteSerializer), field="created_at"))

    @extend_schema(
        operation_id="case_note_create",
        summary="Add a note (collaboration, and the category's scope)",
        request=NoteCreateSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: NoteSerializer},
    )
    def post(self, request, case_id: int):
        access = case_access(user=request.user, case_id=case_id)
        self.once(request)
        body = NoteCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = services.note_add(actor=request.user, case=access, **body.validated_data)
        return Response(NoteSerializer(note).data, status=201)


class CasePayments(PartnerAPIView):
    @extend_schema(
        operation_id="case_payments_list",
        summary="Financial help on the case (finance scope)",
        parameters=[CURSOR, PAGE_SIZE],
        responses=page_of(PaymentSerializer),
    )
    def get(self, request, case_id: int):
        access = case_access(user=request.user, case_id=case_id, action=Action.PAYMENT_VIEW)
        return Response(paged(request, payments_of(access=access), many(PaymentSerializer), field="requested_at"))


class HeldGrants(PartnerAPIView):
    @extend_schema(
        operation_id="grants_list",
        summary="Grants in force through which the agency sees others' cases",
        parameters=[CURSOR, PAGE_SIZE],
        responses=page_of(HeldGrantSerializer),
    )
    def get(self, request):
        require(request.user, Action.CASE_LIST)
        rows = selectors.grants_held_by(user=request.user)
        return Response(paged(request, rows, many(HeldGrantSerializer), field="created_at"))


class AccessRequests(PartnerAPIView):
    @extend_schema(
        operation_id="access_requests_list",
        summary="The agency's access requests and their state",
        parameters=[CURSOR, PAGE_SIZE],
        responses=page_of(AccessRequestSerializer),
    )
    def get(self, request):
        require(request.user, Action.ACCESS_REQUEST_LIST)
        rows = selectors.access_requests_outgoing(user=request.user)
        return Response(paged(request, rows, many(AccessRequestSerializer), field="created_at"))
