"""Reads of the access log for auditors: log metadata only, never case content."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import AccessLogEntry

PERSON_MATCHES = 50


def persons_matching(text: str) -> list:
    """Persons an auditor looks for — by name (Kölner Phonetik of the family name, or the exact
    alias), date of birth, person number or case number — each on an index, never a scan."""
    from cases.models import Case, Person
    from cases.phonetics import phonetic_key
    from cases.selectors import parse_date

    text = (text or "").strip()
    if not text:
        return []
    people = Person.objects.select_related("owner_agency")
    if text.isascii() and text.isdigit():  # "²" is a digit to str.isdigit, not to int()
        return list(people.filter(pk=int(text)))
    if birth_date := parse_date(text):
        return list(people.filter(birth_date=birth_date).order_by("family_name")[:PERSON_MATCHES])
    person_ids = Case.objects.filter(reference__iexact=text).values_list("person_id", flat=True)
    if person_ids:
        return list(people.filter(pk__in=list(person_ids)))
    words = text.replace(",", " ").split()
    condition = Q(alias__iexact=text)
    if family_key := phonetic_key(words[-1]):
        by_name = Q(family_phonetic=family_key)
        if len(words) > 1 and (given_key := phonetic_key(words[0])):
            by_name &= Q(given_phonetic=given_key)
        condition |= by_name
    return list(people.filter(condition).order_by("family_name", "given_name")[:PERSON_MATCHES])


PAGE_SIZE = 50


def entries_page(queryset: QuerySet[AccessLogEntry], *, before: int | None) -> tuple[list[AccessLogEntry], int | None]:
    """Keyset pagination, newest first by (time, id): fast on tens of millions of rows, no total
    count. `before` is the id of the last entry shown; the page goes on below its (time, id) —
    `time <= t` is the bound the indexes and the partition pruning start from."""
    if before:
        anchor = AccessLogEntry.objects.filter(pk=before).values_list("time", flat=True).first()
        if anchor is None:  # gone by retention meanwhile: what is older by id
            queryset = queryset.filter(id__lt=before)
        else:
            queryset = queryset.filter(time__lte=anchor).filter(Q(time__lt=anchor) | Q(id__lt=before))
    rows = list(queryset.select_related("agency").order_by("-time", "-id")[: PAGE_SIZE + 1])
    more = rows[PAGE_SIZE].pk if len(rows) > PAGE_SIZE else None
    rows = rows[:PAGE_SIZE]
    return rows, (rows[-1].pk if more else None)


def person_history(*, person_id: int, limit: int = 5000) -> list[AccessLogEntry]:
    """The person's newest `limit` accesses, in time order for the report."""
    newest = AccessLogEntry.objects.filter(person_ids__has=person_id).select_related("agency").order_by("-id")[:limit]
    return list(reversed(list(newest)))


def review_related_entries(review, *, limit: int = 50) -> list[AccessLogEntry]:
    """What the reviewed person did in the reviewed window: the denials of a burst, or the
    entries while the emergency grant ran."""
    related = AccessLogEntry.objects.filter(actor_id=review.actor_id).order_by("-id")
    if review.grant_id:
        related = related.filter(time__gte=review.grant.valid_from, time__lte=review.grant.valid_until)
    else:
        related = related.filter(outcome="denied", time__gte=review.window_start, time__lte=review.window_end)
    return list(related[:limit])
