"""Helpers for the retention tests (no tests here): the access tests' world (tests.world) with
a first conversation, a document, a paid and exported payment on a closed case and a second,
open case; helpers to close cases, confirm the rules and travel in time."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from access.case_access import case_access
from cases import services as case_services
from cases.models import Case
from casework.models import Intake
from casework.services import document_add, intake_begin
from payments import services as payment_services
from payments.models import Export
from retention.models import RetentionRule

from .payments_world import fund_for, request
from .world import build_world, open_case


def build_retention_world():
    world = build_world()
    sw = world.users["social_worker"]
    clerk = world.users["clerk"]
    access = case_access(user=sw, case_id=world.case.pk, report=False)
    intake_begin(actor=sw, case=access, contact_channel="walk_in")
    Intake.objects.filter(case=world.case).update(immediate_help="Lebensmittelgutschein Tafel Linden")
    upload = SimpleUploadedFile("bescheid.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    world.document = document_add(actor=sw, case=access, title="Mietbescheid Nowak", category="general", upload=upload)
    world.fund = fund_for(world.owner)
    world.payment = request(world, amount="120.00")
    payment_services.payment_approve(actor=clerk, case=world.case, payment=world.payment)
    world.export = payment_services.export_create(actor=clerk, fund=world.fund, format=Export.Format.SEPA)
    payment_services.payment_book_paid(
        actor=clerk, case=world.case, payment=world.payment, paid_on=timezone.localdate()
    )
    close(world.case, sw)
    # A second person whose case stays open: nothing of it may change.
    world.other = open_case(sw, family_name="Yılmaz", given_name="Aylin", title="Stromsperre")
    return world


def close(case: Case, actor) -> Case:
    case.refresh_from_db()
    return case_services.case_close(actor=actor, case=case, version=case.version, reason="Hilfe abgeschlossen")


def confirm_all(actor) -> None:
    RetentionRule.objects.update(confirmed_by=actor, confirmed_at=timezone.now())


def years_later(years: int, days: int = 2):
    return time_machine.travel(timezone.now() + timedelta(days=365 * years + days), tick=True)
