"""The Art. 15 report as machine-readable JSON (Art. 15(3) sentence 3, Art. 20 GDPR): the
structure privacy.assembly built, with stable keys (documented in privacy/report_format.md).
Dates and times as ISO 8601, amounts as decimal strings in euros, codes beside their labels."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder


def render(report: dict) -> bytes:
    return json.dumps(report, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")
