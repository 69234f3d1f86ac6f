"""Funds and budgets for the payment tests, on the access tests' world (tests.world)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from agencies.roles import Role
from payments import ledger, services
from payments.models import Budget, Fund

from .factories import member

IBAN_OK = "DE89370400440532013000"  # the well-known example IBAN of the Commerzbank Köln


def fund_for(agency, *, allocated="5000.00", limit="1500.00", name="Notfallfonds OE 50.25", year=None) -> Fund:
    fund = Fund.objects.create(
        agency=agency,
        name=name,
        budget_line="1.3.1.5.01 / 53310000",
        per_payment_limit=Decimal(limit),
        kinds=["grant", "loan", "advance"],
        cash_desk="Stadtkasse Hannover, Trammplatz 2",
        debtor_name="Landeshauptstadt Hannover",
        debtor_iban=IBAN_OK,
    )
    budget = Budget.objects.create(fund=fund, year=year or timezone.localdate().year, allocated=Decimal(allocated))
    # As the admin does it: every allocation is journaled (payments.verification checks it).
    ledger.record_allocation(actor=agency.memberships.first().user, budget=budget, before=None)
    return fund


def world_with_fund(world):
    """The access tests' world (tests.world.build_world) with a fund of the owning agency."""
    world.fund = fund_for(world.owner)
    return world


def second_clerk(world):
    """A second clerk of the owning agency, so the first can request and the second approve."""
    if "clerk2" not in world.users:
        world.users["clerk2"] = member(Role.CLERK, world.owner, username="clerk2")
    return world.users["clerk2"]


def request(world, actor=None, *, amount="250.00", method="transfer", kind="grant", fund=None, **extra):
    fields = {
        "fund": fund or Fund.objects.filter(agency=world.owner).first(),
        "kind": kind,
        "purpose": "arrears",
        "amount": Decimal(amount),
        "justification": "Stromsperre droht, Abschlag Oktober offen",
        "payee_is_person": False,
        "payee_name": "Stadtwerke Hannover AG",
        "method": method,
        "account_holder": "Stadtwerke Hannover AG",
        "iban": IBAN_OK if method == "transfer" else "",
        "remittance": "Kundennr. 4711 Abschlag Oktober",
    }
    if kind == "loan":
        fields.update(instalment=Decimal("50.00"), first_instalment_on=timezone.localdate() + timedelta(days=30))
    if kind == "advance":
        fields.update(benefit_agency="Jobcenter Region Hannover", benefit_reference="BG 24680")
    fields.update(extra)
    return services.payment_request(actor=actor or world.users["social_worker"], case=world.case, **fields)
