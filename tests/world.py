"""A small world for the access tests: one owning agency, one partner agency per scope, an
unrelated agency, an auditor and an administrator, and one shared case with a note of every
category. Everything is written through the real services."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from access.case_access import case_access
from agencies.models import Agency
from agencies.roles import Role
from cases import grants, services
from cases.models import Case, ConsentText, Person, Statute
from cases.scopes import NoteCategory

from .factories import AgencyFactory, member

NOTE_TEXTS = {category: f"Notiztext-{category}-7f3a" for category in NoteCategory.values}


@dataclass
class World:
    owner: Agency
    users: dict = field(default_factory=dict)
    agencies: dict = field(default_factory=dict)
    case: Case | None = None
    person: Person | None = None
    statute: Statute | None = None
    consent_text: ConsentText | None = None
    document: object = None


def open_case(actor, *, family_name="Nowak", given_name="Marta", birth_date=None, title="Wohnungsnot") -> Case:
    agency = actor.memberships.first().agency
    person = services.person_register(
        actor=actor, agency=agency, given_name=given_name, family_name=family_name, birth_date=birth_date
    )
    return services.case_open(actor=actor, agency=agency, person=person, title=title)


def build_world() -> World:
    owner = AgencyFactory(name="Hilfen in Notlagen Teststadt", short_name="OE 50.25")
    world = World(owner=owner)
    world.users["social_worker"] = member(Role.SOCIAL_WORKER, owner, username="sw")
    world.users["clerk"] = member(Role.CLERK, owner, username="clerk")
    world.users["team_lead"] = member(Role.TEAM_LEAD, owner, username="lead")
    world.users["administrator"] = member(Role.ADMINISTRATOR, owner, username="admin", is_staff=True)
    world.users["auditor"] = member(Role.AUDITOR, username="auditor")
    for scope in ("basic", "collaborate", "finance", "sensitive"):
        agency = AgencyFactory(name=f"Partner {scope}", kind=Agency.Kind.JOBCENTER)
        world.agencies[scope] = agency
        world.users[f"grantee_{scope}"] = member(Role.PARTNER_STAFF, agency, username=f"partner-{scope}")
    world.agencies["unrelated"] = AgencyFactory(name="Unbeteiligte Stelle")
    world.users["unrelated"] = member(Role.SOCIAL_WORKER, world.agencies["unrelated"], username="unrelated")
    world.statute = Statute.objects.create(code="§ 69 Abs. 1 Nr. 1 SGB X", title="Soziale Aufgaben")
    world.consent_text = ConsentText.objects.create(title="Einwilligung", version="1", body="Text")

    sw = world.users["social_worker"]
    world.case = open_case(sw, birth_date=timezone.localdate().replace(year=1988))
    world.person = world.case.person
    for scope in ("basic", "collaborate", "finance", "sensitive"):
        grant = grants.grant_create(
            actor=sw,
            case=world.case,
            grantee_agency=world.agencies[scope],
            scope=scope,
            purpose=f"Zweck {scope}",
            valid_until=timezone.now() + timedelta(days=30),
            statute=world.statute,
        )
        # Sharing without consent takes effect once a team lead approved it (four eyes).
        grants.grant_approve(actor=world.users["team_lead"], grant=grant)
    readable = case_access(user=sw, case_id=world.case.pk)
    for category, text in NOTE_TEXTS.items():
        services.note_add(actor=sw, case=readable, category=category, text=text)
    return world
