"""Parameters and page shapes the endpoints share in the schema."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers

CURSOR = OpenApiParameter("cursor", str, description="From `next_cursor` of the previous page.")
PAGE_SIZE = OpenApiParameter("page_size", int, description="1–200, default 50.")
IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, description="The ETag read; a stale one answers 412."
)
IF_MATCH_REQUIRED = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=True, description="The ETag read; a stale one answers 412."
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", str, OpenApiParameter.HEADER, description="Same key and body: the stored answer (24 h)."
)


def page_of(serializer):
    """The schema of a keyset page of `serializer` rows."""
    return inline_serializer(
        name=f"{serializer.__name__.removesuffix('Serializer')}Page",
        fields={
            "results": serializer(many=True),
            "next_cursor": serializers.CharField(allow_null=True),
            "has_more": serializers.BooleanField(),
        },
    )


def many(serializer):
    return lambda rows: serializer(rows, many=True).data
