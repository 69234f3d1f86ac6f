"""The world of the data-subject request tests: the access tests' world (tests.world: Marta
Nowak's case at the owning agency, shared on statutes with four partners, a note of every
category) grown into a full history — a consent and a grant on it, a document, a referral, a
conference, a consultation contact, a payment to her and one to a third party — and a second
person, Jonas Becker, at the same agency, shared with the same partner, with notes, a consent,
a payment and a contact of his own. Reads by a partner are in the access log, sealed. Nothing of
Becker may ever appear in Nowak's report."""

from __future__ import annotations

from datetime import time, timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max
from django.utils import timezone

from access.case_access import case_access
from agencies.models import Location
from agencies.roles import Role
from audit import sealing
from audit.models import AccessLogEntry
from cases import grants, services
from casework.services import document_add
from conferences.services import conference_convene
from consultations import schedule
from consultations.models import ConsultationContact
from consultations.services import hour_save
from referrals.models import Offer, Provider
from referrals.services import referral_save

from .consultations_world import hour_data
from .factories import member
from .payments_world import IBAN_OK, fund_for
from .payments_world import request as request_payment
from .world import build_world, open_case

SECOND = {
    "given_name": "Jonas",
    "family_name": "Becker",
    "note": "Zweitperson-Notiz-91c2",
    "title": "Energieschulden Zweitfall",
    "consent_purpose": "Zweitzweck-Einwilligung",
    "payee": "Jonas Becker",
}
THIRD_PARTY = "Stadtwerke Hannover AG"


def seal_everything() -> None:
    """Inside a test's transaction the safe horizon cannot pass it; seal what is there."""
    top = AccessLogEntry.objects.aggregate(m=Max("id"))["m"]
    while sealing.seal_pending(batch=50, up_to=top):
        pass


def _consent_and_grant(world, person, case, *, purpose: str):
    sw = world.users["social_worker"]
    consent = grants.consent_record(
        actor=sw,
        person=person,
        agencies=[world.agencies["collaborate"]],
        scopes=["collaborate"],
        purpose=purpose,
        given_how="written",
        text=world.consent_text,
        valid_until=timezone.localdate() + timedelta(days=90),
    )
    grants.grant_create(
        actor=sw,
        case=case,
        grantee_agency=world.agencies["collaborate"],
        scope="collaborate",
        purpose=purpose,
        valid_until=timezone.now() + timedelta(days=60),
        consent=consent,
    )
    return consent


def _history_of_the_first(world) -> None:
    sw = world.users["social_worker"]
    access = case_access(user=sw, case_id=world.case.pk, report=False)
    world.consent = _consent_and_grant(world, world.person, world.case, purpose="Abstimmung Schuldnerberatung")
    upload = SimpleUploadedFile("bescheid.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    world.document = document_add(actor=sw, case=access, title="Mietbescheid", category="general", upload=upload)
    provider = Provider.objects.create(name="Schuldnerberatung Test e. V.", agency=world.agencies["collaborate"])
    world.offer = Offer.objects.create(provider=provider, name="Schuldnerberatung", category="debt")
    world.referral = referral_save(
        actor=sw,
        case=world.case,
        offer=world.offer,
        purpose="Schulden ordnen",
        scope="basic",
        respond_by=timezone.localdate() + timedelta(days=7),
        statute=world.statute,
    )
    world.conference = conference_convene(
        actor=sw,
        case=world.case,
        participants=[{"agency": world.agencies["finance"], "scope": "basic", "statute": world.statute}],
        title="Fallkonferenz Wohnung",
        purpose="Abstimmung der Hilfen",
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=1),
        place="Rathaus",
        video_link="",
    )
    world.fund = fund_for(world.owner)
    world.payment_third = request_payment(world, amount="310.00")  # to the Stadtwerke (a third party)
    world.payment_own = request_payment(
        world, amount="120.00", payee_is_person=True, payee_name="Marta Nowak", account_holder="Marta Nowak"
    )


def _consultation_contact(world, case) -> ConsultationContact:
    location = Location.objects.get_or_create(
        agency=world.owner,
        name="Stadtteilbüro Vahrenheide",
        defaults={"street": "Am Sahlkamp 1", "postal_code": "30179", "city": "Hannover"},
    )[0]
    if not hasattr(world, "hour"):
        lead = world.users["team_lead"]
        world.hour = hour_save(
            actor=lead,
            agency=world.owner,
            data=hour_data(location, rrule=schedule.build_rule(["TU"], 1), start_time=time(10), end_time=time(12)),
        )
    return ConsultationContact.objects.create(
        hour=world.hour,
        agency=world.owner,
        location=location,
        date=timezone.localdate() - timedelta(days=3),
        topic="but_education",
        outcome="information",
        case=case,
    )


def _the_second_person(world) -> None:
    sw = world.users["social_worker"]
    world.second_case = open_case(
        sw, family_name=SECOND["family_name"], given_name=SECOND["given_name"], title=SECOND["title"]
    )
    world.second_person = world.second_case.person
    _consent_and_grant(world, world.second_person, world.second_case, purpose=SECOND["consent_purpose"])
    readable = case_access(user=sw, case_id=world.second_case.pk, report=False)
    for category in ("general", "health", "finances"):
        services.note_add(actor=sw, case=readable, category=category, text=f"{SECOND['note']} {category}")
    services_case = world.case
    world.case = world.second_case
    world.second_payment = request_payment(
        world,
        amount="77.00",
        payee_is_person=True,
        payee_name=SECOND["payee"],
        account_holder=SECOND["payee"],
        iban="DE02120300000000202051",
    )
    world.case = services_case
    world.second_contact = _consultation_contact(world, world.second_case)


def _reads_by_partners(world) -> None:
    """The collaborating partner opens both cases; the sealed log names both persons."""
    partner = world.users["grantee_collaborate"]
    case_access(user=partner, case_id=world.case.pk)
    case_access(user=partner, case_id=world.second_case.pk)


def build_privacy_world():
    world = build_world()
    world.users["reporting"] = member(Role.REPORTING, world.owner, username="statistik")
    _history_of_the_first(world)
    world.contact = _consultation_contact(world, world.case)
    _the_second_person(world)
    _reads_by_partners(world)
    seal_everything()
    return world


def test_the_world_has_both_persons(db):
    world = build_privacy_world()
    assert world.person.pk != world.second_person.pk
    assert world.case.payments.count() == 2 and world.second_case.payments.count() == 1
    assert Decimal(world.payment_third.amount) == Decimal("310.00") and IBAN_OK
