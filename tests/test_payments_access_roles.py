"""Financial help, role by role, beyond the matrix (tests/test_payments_access.py): four eyes at
the web, the partner with a finance grant who reads and never writes, partners without it, the
auditor and the administrator who see no payment at all (the admin neither), and pages whose
number of queries does not grow with the number of payments."""

import pytest
from django.contrib import admin, messages
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from payments import services
from payments.models import JournalEntry, Payment, Status

from .test_payments_access import (
    PAYEE,
    approved_payment,
    assert_refused,
    client_for,
    detail_url,
    payee_request,
    request_form_data,
    tab_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db, payments_module_world):
    return payments_module_world


def test_the_requester_cannot_approve_their_own_request(client, world):
    user = client_for(client, world, "clerk")
    payment = payee_request(world, user)
    response = client.post(f"{detail_url(world, payment)}freigeben/", {"version": payment.version})
    assert response.status_code == 302 and response["Location"] == detail_url(world, payment)
    with translation.override("de"):
        expected = translation.gettext("You asked for this payment yourself; a second person decides on it.")
    errors = [str(m) for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert errors == [expected]
    payment.refresh_from_db()
    assert payment.status == Status.REQUESTED and payment.decided_by_id is None
    assert not JournalEntry.objects.filter(payment=payment, event=JournalEntry.Event.APPROVED).exists()
    # The page does not offer the approval to the requester in the first place.
    page = client.get(detail_url(world, payment)).content.decode()
    assert f"{detail_url(world, payment)}freigeben/" not in page


# What each button of a payment's page posts, valid, so only the access layer can refuse it.
ACTIONS = {
    "freigeben": {},
    "ablehnen": {"reason": "Nicht nachvollziehbar"},
    "zurueckgeben": {"reason": "IBAN prüfen"},
    "zurueckziehen": {},
    "korrigieren": "request form",
    "gezahlt": {"paid_on": "today", "bank_reference": "KTO-1"},
    "rueckbuchen": {"reason": "Konto erloschen"},
    "rate": {"amount": "50,00", "received_on": "today"},
    "abschreibung": {"reason": "Insolvenzverfahren"},
    "abschreibung-freigeben": {},
    "erstattung": {"claim_state": "claimed"},
}
_KIND = {"rate": "loan", "abschreibung": "loan", "abschreibung-freigeben": "loan", "erstattung": "advance"}
_WAITING = ("freigeben", "ablehnen", "zurueckgeben", "zurueckziehen", "korrigieren")


def staged_payment(world, action: str) -> Payment:
    """A payment in the state where `action` would work for someone allowed to do it."""
    payment = payee_request(world, kind=_KIND.get(action, "grant"))
    if action in _WAITING:
        return payment
    clerk, lead = world.users["clerk"], world.users["team_lead"]
    services.payment_approve(actor=lead, case=world.case, payment=payment)
    services.export_create(actor=clerk, fund=world.fund, format="sepa")
    if action != "gezahlt":
        services.payment_book_paid(actor=clerk, case=world.case, payment=payment, paid_on=timezone.localdate())
    if action == "abschreibung-freigeben":
        services.loan_write_off_request(actor=clerk, case=world.case, payment=payment, reason="Insolvenzverfahren")
    payment.refresh_from_db()
    return payment


def _action_data(world, action: str, payment: Payment) -> dict:
    data = ACTIONS[action]
    if data == "request form":
        data = request_form_data(world, amount="260,00")
    data = {k: timezone.localdate().isoformat() if v == "today" else v for k, v in data.items()}
    return {**data, "version": payment.version}


def test_a_partner_with_the_finance_grant_reads_payments(client, world):
    client_for(client, world, "grantee_finance")
    payment = payee_request(world)
    for url in (tab_url(world), detail_url(world, payment)):
        response = client.get(url)
        assert response.status_code == 200 and PAYEE in response.content.decode()
    page = response.content.decode()
    offered = [action for action in ACTIONS if f"{detail_url(world, payment)}{action}/" in page]
    assert offered == [], "a reading partner is offered no button that writes"
    assert 'name="justification"' not in client.get(tab_url(world)).content.decode(), "no request form"


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_write_of_a_partner_with_the_finance_grant_answers_404(client, world, action):
    user = client_for(client, world, "grantee_finance")
    payment = staged_payment(world, action)
    before = Payment.objects.filter(pk=payment.pk).values().get()
    entries = JournalEntry.objects.count()
    response = client.post(f"{detail_url(world, payment)}{action}/", _action_data(world, action, payment))
    assert_refused(response, user)
    assert Payment.objects.filter(pk=payment.pk).values().get() == before
    assert JournalEntry.objects.count() == entries


def test_a_partner_with_the_finance_grant_cannot_request(client, world):
    user = client_for(client, world, "grantee_finance")
    response = client.post(tab_url(world), request_form_data(world))
    assert_refused(response, user)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("scope", ["collaborate", "sensitive", "basic"])
def test_a_partner_without_the_finance_grant_sees_no_payments(client, world, scope):
    user = client_for(client, world, f"grantee_{scope}")
    payment = payee_request(world)
    assert client.get(f"/faelle/{world.case.pk}/").status_code == 200, "the case itself is shared"
    for url in (tab_url(world), detail_url(world, payment)):
        assert_refused(client.get(url), user)


@pytest.mark.parametrize("page", ["tab", "detail", "queue", "budgets", "download"])
@pytest.mark.parametrize("actor", ["auditor", "administrator"])
def test_auditor_and_administrator_see_no_payment(client, world, actor, page):
    user = client_for(client, world, actor)
    payment = approved_payment(world)
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
    urls = {
        "tab": tab_url(world),
        "detail": detail_url(world, payment),
        "queue": "/zahlungen/",
        "budgets": "/zahlungen/budgets/",
        "download": f"/zahlungen/exporte/{export.pk}/",
    }
    assert_refused(client.get(urls[page]), user)


def test_the_admin_offers_funds_and_budgets_only(client, world):
    registered = {model.__name__ for model in admin.site._registry if model._meta.app_label == "payments"}
    assert registered == {"Fund", "Budget"}
    payment = approved_payment(world)
    client_for(client, world, "administrator")
    index = client.get("/verwaltung/")
    assert index.status_code == 200
    for model in ("payment", "export", "journalentry"):
        assert f"/verwaltung/payments/{model}/" not in index.content.decode()
        assert client.get(f"/verwaltung/payments/{model}/").status_code == 404
        assert client.get(f"/verwaltung/payments/{model}/{payment.pk}/change/").status_code == 404
    for model in ("fund", "budget"):
        response = client.get(f"/verwaltung/payments/{model}/")
        assert response.status_code == 200 and PAYEE not in response.content.decode()


def _add_payments(world, count: int) -> None:
    """Payments waiting for approval and approved ones, by different requesters, to different payees."""
    for number in range(count):
        requester = world.users["clerk" if number % 3 else "social_worker"]
        payment = payee_request(world, requester, payee_name=f"Zahlungsempfänger {number}")
        if number % 2:
            services.payment_approve(actor=world.users["team_lead"], case=world.case, payment=payment)


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["tab", "queue"])
def test_the_number_of_queries_does_not_grow_with_the_payments(client, world, page):
    client_for(client, world, "clerk")
    url = tab_url(world) if page == "tab" else "/zahlungen/"
    _add_payments(world, 2)
    client.get(url)  # the first visit of the session may set things up once
    with_two = _queries(client, url)
    _add_payments(world, 10)
    with_twelve = _queries(client, url)
    assert Payment.objects.count() == 12
    assert with_twelve == with_two, f"{page}: {with_two} queries with 2 payments, {with_twelve} with 12"
