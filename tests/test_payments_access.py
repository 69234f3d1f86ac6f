"""The permission matrix of financial help through the web views (STYLE.md §4): every actor of the
access tests' world against the case tab, a payment's page, a new request, the approval, the
desk's queue, the budget overview, the export and its download. The expected outcome comes only
from the access-layer matrix (tests.access_matrix); the web keeps no table of its own. Every
refusal answers 404 and is logged as denied for the actor."""

from types import SimpleNamespace

import pytest

from audit.models import AccessLogEntry
from payments import services
from payments.models import Export, Payment, Status

from .access_matrix import ACTORS, allowed
from .conftest import confirmed_device, login
from .payments_world import IBAN_OK, request
from .world import open_case

pytestmark = pytest.mark.django_db

# A payee no other page of the world names: seeing it means seeing the payment.
PAYEE = "Wohnbau Kranich-Eisel GmbH"
JUSTIFICATION = "Mietrückstand Oktober, Räumungsklage angekündigt (Matrix)"

# Each web operation exercises one operation of the access-layer matrix.
WEB_OPERATIONS = {
    "tab": "payment_view",
    "detail": "payment_view",
    "request": "payment_request",
    "approve": "payment_approve",
    "queue": "payment_queue",
    "budgets": "payment_queue",
    "export": "payment_export",
    "download": "payment_export",
}
CASES = [(actor, op, allowed(actor, access_op)) for actor in ACTORS for op, access_op in WEB_OPERATIONS.items()]


@pytest.fixture
def world(db, payments_module_world):
    return payments_module_world


def client_for(client, world, actor):
    """The client logged in as `actor` (auditor and administrator past the second factor)."""
    user = world.users[actor]
    login(client, user, device=confirmed_device(user) if actor in ("auditor", "administrator") else None)
    return user


def payee_request(world, actor=None, **extra):
    """A transfer to PAYEE requested through the service (by the social worker unless named)."""
    return request(world, actor, **{"payee_name": PAYEE, "account_holder": PAYEE, **extra})


def tab_url(world) -> str:
    return f"/faelle/{world.case.pk}/finanzielle-hilfe/"


def detail_url(world, payment) -> str:
    return f"{tab_url(world)}{payment.pk}/"


def request_form_data(world, **extra) -> dict:
    data = {
        "fund": world.fund.pk,
        "kind": "grant",
        "purpose": "arrears",
        "amount": "250,00",
        "justification": JUSTIFICATION,
        "payee": "third",
        "payee_name": PAYEE,
        "method": "transfer",
        "account_holder": PAYEE,
        "iban": IBAN_OK,
        "remittance": "Mieterkonto 0815",
    }
    data.update(extra)
    return data


def denied_entries(response, user):
    return AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], outcome="denied", actor_id=user.pk)


def assert_refused(response, user, *, secret: str = PAYEE):
    """The same 404 as a missing page, nothing of the payment in it, and in the log one denied
    entry for the actor with no "allowed" read beside it."""
    assert response.status_code == 404
    assert secret not in response.content.decode(errors="replace")
    entries = AccessLogEntry.objects.filter(request_id=response["X-Request-ID"])
    shape = list(entries.values_list("action", "object_type", "outcome", "actor_id"))
    assert denied_entries(response, user).count() == 1, shape
    assert not entries.filter(outcome="allowed").exists(), shape


def approved_payment(world, **extra):
    payment = payee_request(world, **extra)
    return services.payment_approve(actor=world.users["team_lead"], case=world.case, payment=payment)


# --- the outcome of each web operation: (response, did it happen) -------------------------------


def _view(client, world, operation):
    payment = payee_request(world)
    url = tab_url(world) if operation == "tab" else detail_url(world, payment)
    response = client.get(url)
    return response, response.status_code == 200 and PAYEE in response.content.decode()


def _request(client, world, operation):
    response = client.post(tab_url(world), request_form_data(world))
    saved = Payment.objects.filter(justification=JUSTIFICATION).exists()
    return response, response.status_code == 302 and saved


def _approve(client, world, operation, user):
    requester = world.users["clerk" if user == world.users["social_worker"] else "social_worker"]
    payment = payee_request(world, requester)
    assert payment.requested_by_id != user.pk, "the approver must never be the requester here"
    response = client.post(f"{detail_url(world, payment)}freigeben/", {"version": payment.version})
    payment.refresh_from_db()
    if response.status_code != 302:
        assert payment.status == Status.REQUESTED and payment.decided_by_id is None
    return response, response.status_code == 302 and payment.status == Status.APPROVED


def _desk_page(client, world, operation):
    payee_request(world)  # waiting for approval: on the queue
    response = client.get("/zahlungen/" if operation == "queue" else "/zahlungen/budgets/")
    shown = response.status_code == 200
    if operation == "queue" and shown:
        assert PAYEE in response.content.decode()
    return response, shown


def _export(client, world, operation):
    payment = approved_payment(world)
    response = client.post("/zahlungen/export/", {"fund": world.fund.pk, "format": "sepa"})
    payment.refresh_from_db()
    done = Export.objects.filter(fund=world.fund).exists()
    if not done:
        assert payment.status == Status.APPROVED and payment.export_id is None
    return response, response.status_code == 302 and done and payment.status == Status.EXPORTED


def _download(client, world, operation):
    approved_payment(world)
    export = services.export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
    response = client.get(f"/zahlungen/exporte/{export.pk}/")
    ok = response.status_code == 200 and response["Content-Type"] == "application/xml"
    return response, ok and PAYEE.encode() in response.content


def outcome(client, world, operation, user):
    if operation in ("tab", "detail"):
        return _view(client, world, operation)
    if operation == "request":
        return _request(client, world, operation)
    if operation == "approve":
        return _approve(client, world, operation, user)
    if operation in ("queue", "budgets"):
        return _desk_page(client, world, operation)
    if operation == "export":
        return _export(client, world, operation)
    if operation == "download":
        return _download(client, world, operation)
    raise AssertionError(operation)


@pytest.mark.parametrize(("actor", "operation", "allowed"), CASES)
def test_payment_permission_matrix(client, world, actor, operation, allowed):
    user = client_for(client, world, actor)
    response, happened = outcome(client, world, operation, user)
    assert happened is allowed, (actor, operation, response.status_code)
    if not allowed:
        # Not allowed looks exactly like not found, and the refusal is logged for the actor.
        assert_refused(response, user)


REFUSED_WRITES = [
    (actor, op) for actor in ACTORS for op in ("request", "approve", "export") if not allowed(actor, WEB_OPERATIONS[op])
]


@pytest.mark.parametrize(("actor", "operation"), REFUSED_WRITES)
def test_a_refused_write_changes_nothing(client, world, actor, operation):
    user = client_for(client, world, actor)
    before = (Payment.objects.count(), Export.objects.count())
    response, _happened = outcome(client, world, operation, user)
    assert response.status_code == 404
    # What the actor set up beforehand (one payment for approve/export) is all there is.
    created_by_setup = 0 if operation == "request" else 1
    assert (Payment.objects.count(), Export.objects.count()) == (before[0] + created_by_setup, before[1])
    assert not Payment.objects.filter(justification=JUSTIFICATION).exists()
    assert not Payment.objects.exclude(status__in=[Status.REQUESTED, Status.APPROVED]).exists()


def test_an_unknown_payment_or_one_of_another_case_answers_like_a_refusal(client, world):
    user = client_for(client, world, "clerk")
    other_case = open_case(world.users["social_worker"], family_name="Berger", given_name="Jonas")
    elsewhere = payee_request(SimpleNamespace(case=other_case, users=world.users, owner=world.owner))
    for url in (f"{tab_url(world)}999999/", detail_url(world, elsewhere), "/zahlungen/exporte/999999/"):
        response = client.get(url)
        assert_refused(response, user)
