"""Running a verification and keeping its result for the auditors' workspace."""

from django.utils import timezone

from . import sealing
from .models import Verification


def run(*, first_id=None, last_id=None, started_by=None) -> sealing.VerificationResult:
    record = Verification.objects.create(started_by=started_by)
    result = sealing.verify(first_id=first_id, last_id=last_id)
    Verification.objects.filter(pk=record.pk).update(
        entries_checked=result.entries_checked, ok=result.ok, finding=result.finding, finished_at=timezone.now()
    )
    return result


def latest() -> Verification | None:
    return Verification.objects.filter(finished_at__isnull=False).first()
