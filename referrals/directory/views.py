"""Pages of the help-offer directory for every member of staff: search, an offer's page and the
printed list for the person to take home (HTML to print, and PDF).

`?fall=<case id>` carries the case a worker refers from through searching and paging; each
offer then links to the referral form of that case. This page checks nothing about the case
(the referral form does); it only passes the number on. No page here shows personal data of
clients, so none writes an access-log entry."""

from __future__ import annotations

import io

from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from access.directory import editable_providers
from access.rules import Action
from access.web import requires

from . import printout
from .filters import OfferFilter
from .selectors import describe, listed_offers, offer_get_for

PAGE_SIZE = 25
PRINT_LIMIT = 50
_MAX_ID = 2**31 - 1


def case_id_of(request) -> int | None:
    """The case a worker refers from (`fall`), if it is a plain positive number; else None."""
    value = request.GET.get("fall", "")
    if value.isascii() and value.isdigit() and 0 < int(value) <= _MAX_ID:
        return int(value)
    return None


def referral_base(case_id: int | None) -> str | None:
    """The referral form of the case, ready for "<offer id>" to be appended."""
    if case_id is None:
        return None
    return f"{reverse('referrals:create', args=[case_id])}?angebot="


def _search(request):
    """The filter set of the request and the offers it selects (none if the input is bad)."""
    filterset = OfferFilter(request.GET or None, queryset=listed_offers(), moment=timezone.now())
    if not filterset.is_bound:
        return filterset, filterset.queryset
    if not filterset.is_valid():
        return filterset, filterset.queryset.none()
    return filterset, filterset.qs


def _query(request, *drop: str) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


@requires(Action.DIRECTORY_VIEW)
def directory(request):
    filterset, offers = _search(request)
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("seite"))
    page.object_list = describe(page.object_list)
    case_id = case_id_of(request)
    context = {
        "filter": filterset,
        "page": page,
        "query": _query(request, "seite"),
        "case_id": case_id,
        "case_query": f"?fall={case_id}" if case_id else "",
        "referral_base": referral_base(case_id),
        "can_create": editable_providers(request.user).exists(),
    }
    return render(request, "referrals/directory/list.html", context)


@requires(Action.DIRECTORY_VIEW)
def offer_detail(request, offer_id: int):
    offer, can_edit = offer_get_for(user=request.user, offer_id=offer_id)
    case_id = case_id_of(request)
    context = {
        "offer": offer,
        "can_edit": can_edit,
        "case_id": case_id,
        "case_query": f"?fall={case_id}" if case_id else "",
        "referral_base": referral_base(case_id) if offer.is_active and offer.provider.is_active else None,
    }
    return render(request, "referrals/directory/detail.html", context)


def _printed(request):
    filterset, offers = _search(request)
    offers = list(offers[: PRINT_LIMIT + 1])
    cut = len(offers) > PRINT_LIMIT
    offers = describe(offers[:PRINT_LIMIT])
    for offer in offers:
        offer.print_lines = printout.offer_lines(offer)
    return filterset, offers, cut


@requires(Action.DIRECTORY_VIEW)
def directory_print(request):
    _filterset, offers, cut = _printed(request)
    context = {
        "offers": offers,
        "cut": cut,
        "limit": PRINT_LIMIT,
        "today": timezone.localdate(),
        "query": _query(request, "seite"),
    }
    return render(request, "referrals/directory/print.html", context)


@requires(Action.DIRECTORY_VIEW)
def directory_pdf(request):
    _filterset, offers, cut = _printed(request)
    content = printout.render(offers, cut=cut, limit=PRINT_LIMIT, today=timezone.localdate())
    response = FileResponse(io.BytesIO(content), filename="hilfeangebote.pdf", content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response
