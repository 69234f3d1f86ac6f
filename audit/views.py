"""The auditors' workspace (Revision / Datenschutz): search, entry detail, CSV export, a
person's access history, the review queue and the integrity check. Auditors only, with their
second factor; everything here is log metadata, never case content."""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import events
from access.rules import Action
from access.web import requires

from . import review, selectors, verification
from .filters import AccessLogFilter
from .forms import ReviewForm
from .models import AccessLogEntry

# The auditors' workspace: the auditor role, with the second factor passed (access.rules).
auditor_view = requires(Action.AUDIT_USE)


def _filtered(request):
    filterset = AccessLogFilter(request.GET or None, queryset=AccessLogEntry.objects.all())
    if filterset.is_bound and not filterset.is_valid():
        return filterset, AccessLogEntry.objects.none()
    # Every filter is a condition on the entry itself (no join, no DISTINCT), so the filter's
    # newest-first (time, id) index carries the page (audit.selectors.entries_page).
    return filterset, (filterset.qs if filterset.is_bound else filterset.queryset)


@auditor_view
def search(request):
    filterset, queryset = _filtered(request)
    before = request.GET.get("vor")
    rows, next_before = selectors.entries_page(queryset, before=int(before) if (before or "").isdigit() else None)
    query = request.GET.copy()
    query.pop("vor", None)
    events.report(actor=request.user, action="search", object_type="access_log", object_ids=[r.pk for r in rows])
    persons = selectors.persons_matching(filterset.form.cleaned_data.get("person", "")) if filterset.is_bound else []
    if persons:
        events.report(
            actor=request.user,
            action="search",
            object_type="person",
            object_ids=[p.pk for p in persons],
            person_ids=[p.pk for p in persons],
            purpose="access-log search",
        )
    context = {
        "persons": persons,
        "filter": filterset,
        "rows": rows,
        "next_before": next_before,
        "query": query.urlencode(),
        "last_verification": verification.latest(),
    }
    return render(request, "audit/search.html", context)


@auditor_view
def entry_detail(request, entry_id: int):
    entry = get_object_or_404(AccessLogEntry.objects.select_related("agency"), pk=entry_id)
    events.report(actor=request.user, action="view", object_type="access_log", object_ids=[entry.pk])
    return render(request, "audit/entry_detail.html", {"entry": entry})


class _Echo:
    def write(self, value):
        return value


CSV_COLUMNS = [
    "id",
    "time",
    "actor",
    "agency",
    "action",
    "object_type",
    "object_ids",
    "right_used",
    "purpose",
    "channel",
    "request_id",
    "client_address",
    "outcome",
]


def _csv_rows(queryset):
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for e in (
        queryset.order_by("id")
        .values_list(
            "id",
            "time",
            "actor_name",
            "agency__name",
            "action",
            "object_type",
            "object_ids",
            "basis",
            "purpose",
            "channel",
            "request_id",
            "client_address",
            "outcome",
        )
        .iterator(chunk_size=5000)
    ):
        row = list(e)
        row[1] = row[1].isoformat()
        row[6] = " ".join(map(str, row[6] or []))
        yield writer.writerow(row)


@auditor_view
def export_csv(request):
    filterset, queryset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return redirect(f"{request.path.rsplit('/', 2)[0]}/?{request.GET.urlencode()}")
    # The export itself is an access to the log and is logged (with its filters, not its rows).
    events.report(actor=request.user, action="export", object_type="access_log", purpose=request.GET.urlencode()[:300])
    response = StreamingHttpResponse(_csv_rows(queryset), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="zugriffsprotokoll-{timezone.localdate():%Y%m%d}.csv"'
    return response


@auditor_view
def person_report(request, person_id: int):
    from cases.models import Person

    person = Person.objects.filter(pk=person_id).first()
    entries = selectors.person_history(person_id=person_id)
    events.report(
        actor=request.user,
        action="print",
        object_type="access_log",
        person_ids=[person_id],
        purpose="GDPR Art. 15 report",
    )
    context = {
        "person": person,
        "person_id": person_id,
        "entries": entries,
        "now": timezone.now(),
        "truncated": len(entries) == 5000,
    }
    return render(request, "audit/person_report.html", context)


@auditor_view
def reviews(request):
    queue = list(review.pending_reviews(reviewer=request.user)[:200])
    events.report(actor=request.user, action="list", object_type="review", object_ids=[r.pk for r in queue])
    return render(request, "audit/reviews.html", {"reviews": queue})


@auditor_view
def review_detail(request, review_id: int):
    item = get_object_or_404(review.pending_reviews(reviewer=request.user), pk=review_id)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            review.review_decide(
                actor=request.user,
                review=item,
                verdict=form.cleaned_data["verdict"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The verdict has been saved."))
            return redirect("audit:reviews")
    related = selectors.review_related_entries(item)
    events.report(
        actor=request.user,
        action="view",
        object_type="review",
        object_ids=[item.pk],
        case_ids=[item.grant.case_id] if item.grant_id else [],
    )
    return render(request, "audit/review_detail.html", {"review": item, "form": form, "related": related})


@auditor_view
def integrity(request):
    return render(
        request, "audit/integrity.html", {"verifications": list(verification.Verification.objects.all()[:20])}
    )


@auditor_view
@require_POST
def integrity_start(request):
    from .tasks import verify_access_log_task

    verify_access_log_task.delay(request.user.pk)
    messages.info(request, _("The check has started. Its result appears here when it is done."))
    return redirect("audit:integrity")
