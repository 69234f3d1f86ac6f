"""A world for the referral tests: a referring city office (social worker, team leads), a
counselling centre in Notlagen with its staff and its offer, an external provider's offer,
an unrelated agency, and an open case whose person consented to sharing with the centre.
Everything is written through the real services."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from agencies.models import Agency
from agencies.roles import Role
from cases import grants
from cases.models import ConsentText, Statute
from referrals import services
from referrals.models import Offer, OfferLocation, Provider, Schedule

from .factories import AgencyFactory, member
from .world import open_case


@dataclass
class ReferralWorld:
    users: dict = field(default_factory=dict)
    agencies: dict = field(default_factory=dict)
    case: object = None
    consent: object = None
    statute: object = None
    offer: Offer | None = None
    external_offer: Offer | None = None


def build_referral_world() -> ReferralWorld:
    world = ReferralWorld()
    city = AgencyFactory(name="Fachdienst Hilfen in Notlagen Teststadt")
    centre = AgencyFactory(name="Frauenberatung Teststadt", kind=Agency.Kind.COUNSELLING_CENTRE)
    other = AgencyFactory(name="Andere Beratungsstelle", kind=Agency.Kind.COUNSELLING_CENTRE)
    world.agencies.update(city=city, centre=centre, other=other)
    world.users["worker"] = member(Role.SOCIAL_WORKER, city, username="ref-worker")
    world.users["lead"] = member(Role.TEAM_LEAD, city, username="ref-lead")
    world.users["lead2"] = member(Role.TEAM_LEAD, city, username="ref-lead2")
    world.users["clerk"] = member(Role.CLERK, city, username="ref-clerk")
    world.users["counsellor"] = member(Role.PARTNER_STAFF, centre, username="ref-counsellor")
    world.users["editor"] = member(Role.DIRECTORY_EDITOR, centre, username="ref-editor")
    world.users["other"] = member(Role.PARTNER_STAFF, other, username="ref-other")
    world.users["admin"] = member(Role.ADMINISTRATOR, city, username="ref-admin", is_staff=True)
    world.users["auditor"] = member(Role.AUDITOR, username="ref-auditor")
    provider = Provider.objects.create(name="Frauenberatung Teststadt e. V.", agency=centre)
    world.offer = _offer(provider, "Beratung bei häuslicher Gewalt")
    external = Provider.objects.create(name="Verein ohne Zugang e. V.", phone="0511 000000")
    world.external_offer = _offer(external, "Offene Sprechstunde")
    world.statute = Statute.objects.create(code="§ 69 Abs. 1 Nr. 1 SGB X", title="Soziale Aufgaben")
    text = ConsentText.objects.create(title="Einwilligung", version="1", body="Text")
    worker = world.users["worker"]
    world.case = open_case(worker, family_name="Beispiel", given_name="Erika")
    world.consent = grants.consent_record(
        actor=worker,
        person=world.case.person,
        agencies=[centre],
        scopes=["basic", "collaborate", "sensitive"],
        purpose="Beratung und Schutzplanung",
        given_how="written",
        text=text,
        valid_until=timezone.localdate() + timedelta(days=200),
    )
    return world


def _offer(provider: Provider, name: str) -> Offer:
    offer = Offer.objects.create(provider=provider, name=name, category="violence")
    location = OfferLocation.objects.create(offer=offer, street="Musterweg 1", postal_code="30159", city="Hannover")
    Schedule.objects.create(location=location, weekday="MO", opens_at="09:00", closes_at="12:00")
    return offer


def refer(world: ReferralWorld, *, offer=None, send=True, scope="collaborate", basis="consent", **extra):
    arguments = dict(
        actor=world.users["worker"],
        case=world.case,
        offer=offer or world.offer,
        purpose="Beratung und Schutzplanung",
        scope=scope,
        urgency="soon",
        message="Spricht Deutsch und Polnisch.",
        respond_by=timezone.localdate() + timedelta(days=10),
        consent=world.consent if basis == "consent" else None,
        statute=world.statute if basis == "statute" else None,
        send=send,
    )
    arguments.update(extra)
    return services.referral_save(**arguments)
