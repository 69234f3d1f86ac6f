"""A small world for the conference tests: the owning agency with a case, a Jobcenter-like
partner the person consented to share with, a second partner without consent and an unrelated
agency. Everything is written through the real services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from agencies.models import Agency
from agencies.roles import Role
from cases import grants
from cases.models import Case, Consent, ConsentText, Statute
from conferences import services

from .factories import AgencyFactory, member
from .world import open_case


@dataclass
class ConferenceWorld:
    owner: Agency
    jobcenter: Agency
    other: Agency
    unrelated: Agency
    case: Case
    consent: Consent
    statute: Statute
    users: dict = field(default_factory=dict)


def build() -> ConferenceWorld:
    owner = AgencyFactory(name="Hilfen in Notlagen Offenbach", short_name="OE 50")
    jobcenter = AgencyFactory(name="MainArbeit Offenbach", short_name="MainArbeit", kind=Agency.Kind.JOBCENTER)
    other = AgencyFactory(name="Beratungsstelle Nord")
    unrelated = AgencyFactory(name="Unbeteiligte Stelle")
    users = {
        "sw": member(Role.SOCIAL_WORKER, owner, username="sw", first_name="Miriam", last_name="Kowalski"),
        "lead": member(Role.TEAM_LEAD, owner, username="lead"),
        "clerk": member(Role.CLERK, owner, username="clerk"),
        "jc": member(Role.PARTNER_STAFF, jobcenter, username="jc", first_name="Jonas", last_name="Berg"),
        "other": member(Role.PARTNER_STAFF, other, username="other"),
        "unrelated": member(Role.SOCIAL_WORKER, unrelated, username="unrelated"),
    }
    case = open_case(users["sw"], family_name="Nowak", given_name="Marta")
    text = ConsentText.objects.create(title="Einwilligung", version="1", body="Text")
    consent = grants.consent_record(
        actor=users["sw"],
        person=case.person,
        agencies=[jobcenter],
        scopes=["basic", "collaborate"],
        purpose="Fallkonferenz und Abstimmung der Hilfen",
        given_how="written",
        text=text,
        valid_until=timezone.localdate() + timedelta(days=200),
    )
    statute = Statute.objects.create(code="§ 69 Abs. 1 Nr. 1 SGB X", title="Soziale Aufgaben")
    return ConferenceWorld(owner, jobcenter, other, unrelated, case, consent, statute, users)


def when(days: int = 3, hour: int = 10):
    start = (timezone.localtime() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=1, minutes=30)


def convene(world: ConferenceWorld, *, participants=None, days: int = 3, **extra):
    starts_at, ends_at = when(days)
    fields = {
        "title": "Fallkonferenz Wohnung und Arbeit",
        "purpose": "Wohnungssicherung und Arbeitsaufnahme abstimmen",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "place": "Stadtteilbüro Nordend",
        "video_link": "",
        **extra,
    }
    if participants is None:
        participants = [{"agency": world.jobcenter, "scope": "collaborate", "consent": world.consent}]
    return services.conference_convene(
        actor=world.users["sw"],
        case=world.case,
        participants=participants,
        guests=[{"name": "Frau Weber", "organisation": "Schule am Buchhügel"}],
        agenda=["Stand der Wohnung", "Arbeitsaufnahme"],
        **fields,
    )
