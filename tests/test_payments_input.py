"""Bad input on the request form of the tab "Finanzielle Hilfe", through the web as the social
worker types it: each mistake comes back with status 400, the message at its field, the input
kept, and nothing saved (no payment, no journal entry)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape

from payments.models import Budget, Fund, JournalEntry, Payment

from .conftest import login
from .payments_world import IBAN_OK, fund_for
from .world import build_world

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Stromsperre droht ab 15. – Abschlag Oktober offen (Eingabe-7c1e)"


@pytest.fixture
def world(db):
    world = build_world()
    world.fund = fund_for(world.owner, allocated="5000.00", limit="1500.00")
    return world


@pytest.fixture
def sw_client(client, world):
    login(client, world.users["social_worker"])
    return client


def _url(world) -> str:
    return f"/faelle/{world.case.pk}/finanzielle-hilfe/"


def _data(world, **changes) -> dict:
    data = {
        "fund": str(world.fund.pk),
        "kind": "grant",
        "purpose": "arrears",
        "amount": "250,00",
        "justification": JUSTIFICATION,
        "payee": "third",
        "payee_name": "Stadtwerke Hannover AG",
        "method": "transfer",
        "account_holder": "Stadtwerke Hannover AG",
        "iban": IBAN_OK,
        "remittance": "Kundennr. 4711 Abschlag Oktober",
        "instalment": "",
        "first_instalment_on": "",
        "benefit_agency": "",
        "benefit_reference": "",
    }
    data.update(changes)
    return data


def _message_at(page: str, field: str) -> str:
    """The text of the error container of `field` (notlagen/_field.html)."""
    box = page.split(f'id="id_{field}-error"', 1)[1].split("</p>", 1)[0]
    found = re.search(r'<span class="kern-body">([^<]*)</span>', box)
    return found.group(1).strip() if found else ""


def _refused(client, world, field: str, typed: str | None = None, **changes):
    """Post, and check the refusal: 400, an error at `field`, the input kept, nothing saved."""
    journal_before = JournalEntry.objects.exclude(payment=None).count()
    response = client.post(_url(world), _data(world, **changes))
    page = response.content.decode()
    assert response.status_code == 400, page[:500]
    assert f'id="id_{field}-error"' in page, f"no error at {field}"
    assert _message_at(page, field), f"an empty error box at {field}"
    assert 'aria-invalid="true"' in page
    if typed is not None:
        assert f'value="{escape(typed)}"' in page, f"the typed {typed!r} is lost"
    assert escape(JUSTIFICATION) in page, "the justification typed is lost"
    assert not Payment.objects.exists()
    assert JournalEntry.objects.exclude(payment=None).count() == journal_before == 0
    return page


@pytest.mark.parametrize(
    "iban",
    [
        "DE12 3456",  # malformed: far too short
        "DE89 3704 0044 0532 0130 0X",  # malformed: a letter where the account number has digits
        "DE89370400440532013001",  # the check digits do not match
        "XX89370400440532013000",  # an unknown country
        "TR330006100519786457841326",  # valid, but Turkey lies outside the SEPA area
    ],
)
def test_a_bad_iban_is_refused_at_its_field(sw_client, world, iban):
    _refused(sw_client, world, "iban", iban, iban=iban)


@pytest.mark.parametrize("amount", ["0", "0,00", "-5", "-5,00", "12,345", "1,234", "abc", "1.23.4"])
def test_a_bad_amount_is_refused_at_its_field(sw_client, world, amount):
    _refused(sw_client, world, "amount", amount, amount=amount)


def test_an_amount_above_the_limit_per_payment(sw_client, world):
    page = _refused(sw_client, world, "amount", "1.600,00", amount="1.600,00")
    assert "1.500,00" in page  # the limit is named


def test_an_amount_above_what_is_left_in_the_budget(sw_client, world):
    Budget.objects.filter(fund=world.fund).update(allocated=Decimal("200.00"))
    page = _refused(sw_client, world, "amount", "250,00", amount="250,00")
    assert "200,00" in page  # what is left is named


def test_a_closed_fund_is_not_offered_and_refused(sw_client, world):
    Fund.objects.filter(pk=world.fund.pk).update(active=False)
    page = _refused(sw_client, world, "fund", amount="250,00")
    assert f'<option value="{world.fund.pk}"' not in page
    assert 'value="250,00"' in page


def test_a_fund_without_budget_this_year(sw_client, world):
    this_year = timezone.localdate().year
    Budget.objects.filter(fund=world.fund).update(year=this_year - 1)
    page = _refused(sw_client, world, "fund", amount="250,00")
    assert str(this_year) in _message_at(page, "fund")
    assert 'value="250,00"' in page


def test_a_loan_without_instalment_is_refused(sw_client, world):
    _refused(sw_client, world, "instalment", kind="loan")


def test_a_german_amount_is_accepted(sw_client, world):
    response = sw_client.post(_url(world), _data(world, amount="1.234,50", iban="de89 3704 0044 0532 0130 00"))
    assert response.status_code == 302, response.content.decode()[:800]
    payment = Payment.objects.get()
    assert payment.amount == Decimal("1234.50")
    assert (payment.iban, payment.bic) == (IBAN_OK, "COBADEFFXXX")
    assert list(JournalEntry.objects.filter(payment=payment).values_list("event", flat=True)) == ["requested"]
    page = sw_client.get(_url(world)).content.decode()
    assert "1.234,50" in page
