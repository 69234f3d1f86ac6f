"""Every route of every URL module, against the access log: a page that shows personal data
writes its entry; a refused request — whatever refused it (a rule, a role gate, a missing
object, the admin's guard) — answers 404 and is logged exactly once as denied, with no
"allowed" entry beside it. A route missing from ROUTES fails the test, so nobody adds a page
(or a whole URL module) without deciding how it is logged."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from access.case_access import case_access
from agencies.roles import Role
from api.services import client_bootstrap, key_issue
from audit.models import AccessLogEntry
from cases import grants
from casework.services import document_add, intake_begin, task_add
from conferences.services import conference_convene
from notifications.services import webhook_endpoint_create
from payments.services import export_create, payment_approve
from referrals.models import Offer, Provider
from referrals.services import referral_save

from .conftest import confirmed_device, login, world_for_the_module
from .payments_world import fund_for
from .payments_world import request as request_payment
from .world import build_world

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Route:
    allowed: str | None  # an actor who may use it (None: not checked here, see the note)
    refused: str | None  # an actor who may not (None: every logged-in person may)
    personal: bool = True  # a GET shows personal data, so it must write an allowed entry
    method: str = "get"


OPEN = Route(allowed="social_worker", refused=None, personal=False)
CASE_PAGE = Route(allowed="social_worker", refused="unrelated")
CASE_POST = Route(allowed=None, refused="grantee_basic", method="post")
AUDIT_PAGE = Route(allowed="auditor", refused="social_worker")

ROUTES: dict[str, Route] = {
    "home": OPEN,
    "healthz": Route(allowed=None, refused=None, personal=False),
    "readyz": Route(allowed=None, refused=None, personal=False),
    "accounts:login": Route(allowed=None, refused=None, personal=False),
    "accounts:logout": Route(allowed=None, refused=None, personal=False, method="post"),
    "accounts:account": OPEN,
    "accounts:password_change": OPEN,
    "accounts:second_factor_verify": Route(allowed=None, refused=None, personal=False),
    "accounts:second_factor_enrol": OPEN,
    "accounts:second_factor_remove": Route(allowed=None, refused=None, personal=False, method="post"),
    "accounts:language": Route(allowed=None, refused=None, personal=False, method="post"),
    "notifications:inbox": OPEN,
    "notifications:mark_read": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "notifications:mark_all_read": Route(allowed=None, refused=None, personal=False, method="post"),
    "notifications:send_test": Route(allowed=None, refused=None, personal=False, method="post"),
    "notifications:dead_letters": Route(allowed="administrator", refused="social_worker", personal=False),
    "notifications:retry": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "notifications:webhooks": Route(allowed="administrator", refused="social_worker", personal=False),
    "notifications:webhook_create": Route(allowed="administrator", refused="social_worker", personal=False),
    "notifications:webhook_detail": Route(allowed="administrator", refused="social_worker", personal=False),
    "notifications:webhook_rotate": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "notifications:webhook_set_active": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "notifications:webhook_test": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "notifications:webhook_resend": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    # Partner clients and keys: organisational data of the client's agency, its administrator's.
    "api_clients:list": Route(allowed="administrator", refused="social_worker", personal=False),
    "api_clients:create": Route(allowed="administrator", refused="social_worker", personal=False),
    "api_clients:detail": Route(allowed="administrator", refused="social_worker", personal=False),
    "api_clients:edit": Route(allowed="administrator", refused="unrelated", personal=False),
    "api_clients:deactivate": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "api_clients:key_issue": Route(allowed=None, refused="team_lead", personal=False, method="post"),
    "api_clients:key_rotate": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "api_clients:key_revoke": Route(allowed=None, refused="auditor", personal=False, method="post"),
    "cases:list": Route(allowed="social_worker", refused="auditor"),
    "cases:create": Route(allowed="social_worker", refused="clerk", personal=False),
    "cases:detail": CASE_PAGE,
    "cases:edit": CASE_PAGE,
    "cases:close": CASE_PAGE,
    "cases:status": CASE_POST,
    "cases:note_add": CASE_POST,
    "cases:grants": CASE_PAGE,
    "cases:grant_revoke": CASE_POST,
    "cases:person": CASE_PAGE,
    "cases:consents": CASE_PAGE,
    "cases:consent_withdraw": Route(allowed=None, refused="unrelated", method="post"),
    "cases:access_requests": Route(allowed="team_lead", refused="auditor"),
    "cases:access_request_decide": Route(allowed="team_lead", refused="social_worker"),
    "cases:access_request_create": Route(allowed=None, refused="unrelated"),
    "cases:break_glass": Route(allowed=None, refused="unrelated"),
    "cases:grants_to_approve": Route(allowed="team_lead", refused="social_worker", personal=False),
    "cases:grant_decide": Route(allowed=None, refused="social_worker", method="post"),
    "agencies:roles": Route(allowed="team_lead", refused="social_worker", personal=False),
    "agencies:role_decide": Route(allowed=None, refused="social_worker", method="post"),
    # The invitation page is for someone not yet logged in; an unknown token is simply not found.
    "accounts:invitation": Route(allowed=None, refused=None, personal=False),
    "casework:intake_start": Route(allowed="social_worker", refused="clerk", personal=False),
    "casework:intake_begin": CASE_POST,
    "casework:intake_step": CASE_PAGE,
    "casework:intake_autosave": CASE_POST,
    "casework:timeline": CASE_PAGE,
    "casework:tasks": CASE_PAGE,
    "casework:task_add": CASE_POST,
    "casework:task_toggle": CASE_POST,
    "casework:appointment_add": CASE_POST,
    "casework:appointment_cancel": CASE_POST,
    "casework:documents": CASE_PAGE,
    "casework:document_download": CASE_PAGE,
    "casework:plan": CASE_PAGE,
    "casework:risk": CASE_PAGE,
    "casework:goal_change": CASE_POST,
    "casework:goal_step_toggle": CASE_POST,
    "casework:situation_edit": CASE_PAGE,
    "casework:handover": CASE_PAGE,
    "payments:case": CASE_PAGE,
    "payments:detail": CASE_PAGE,
    "payments:act": CASE_POST,
    "payments:queue": Route(allowed="clerk", refused="social_worker"),
    "payments:budgets": Route(allowed="clerk", refused="social_worker", personal=False),
    "payments:export": Route(allowed=None, refused="social_worker", method="post"),
    "payments:download": Route(allowed="clerk", refused="social_worker"),
    "payments:statement": Route(allowed=None, refused="social_worker", method="post"),
    # The help-offer directory holds no personal data of clients; all staff read it.
    "referrals:directory": OPEN,
    "referrals:directory_print": OPEN,
    "referrals:directory_pdf": OPEN,
    "referrals:offer": OPEN,
    "referrals:offer_create": Route(allowed="administrator", refused="social_worker", personal=False),
    "referrals:offer_edit": Route(allowed="administrator", refused="social_worker", personal=False),
    "referrals:offer_deactivate": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "referrals:exchange": Route(allowed="administrator", refused="social_worker", personal=False),
    "referrals:export_json": Route(allowed="administrator", refused="social_worker", personal=False),
    "referrals:export_csv": Route(allowed="administrator", refused="social_worker", personal=False),
    "referrals:inventory": Route(allowed="team_lead", refused="social_worker", personal=False),
    "referrals:inventory_pdf": Route(allowed="team_lead", refused="social_worker", personal=False),
    "referrals:inventory_csv": Route(allowed="team_lead", refused="social_worker", personal=False),
    # Referrals name a case and its person: every page that shows one is logged.
    "referrals:case": CASE_PAGE,
    "referrals:create": Route(allowed=None, refused="grantee_basic"),
    "referrals:inbox": Route(allowed="grantee_collaborate", refused="clerk"),
    "referrals:outgoing": Route(allowed="social_worker", refused="clerk"),
    "referrals:detail": CASE_PAGE,
    "referrals:slip": CASE_PAGE,
    "referrals:act": Route(allowed=None, refused="unrelated", method="post"),
    # Consultation hours: public pages and staff pages without personal data.
    "consultations:public": Route(allowed="social_worker", refused=None, personal=False),
    "consultations:calendar": Route(allowed="social_worker", refused=None, personal=False),
    "consultations:poster": Route(allowed=None, refused=None, personal=False),
    "consultations:hours": Route(allowed="social_worker", refused="auditor", personal=False),
    "consultations:hour_create": Route(allowed="team_lead", refused="social_worker", personal=False),
    "consultations:uptake": Route(allowed="team_lead", refused="social_worker", personal=False),
    "consultations:uptake_csv": Route(allowed="team_lead", refused="social_worker", personal=False),
    "consultations:hour": Route(allowed=None, refused="social_worker", personal=False),
    "consultations:hour_edit": Route(allowed=None, refused="social_worker", personal=False),
    "consultations:contact_add": Route(allowed=None, refused="social_worker", personal=False),
    "consultations:exception_add": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "consultations:exception_remove": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "consultations:booking_add": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "consultations:booking_cancel": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    # Case conferences name a case: every page is logged.
    "conferences:case": CASE_PAGE,
    "conferences:convene": Route(allowed="social_worker", refused="grantee_collaborate"),
    "conferences:mine": Route(allowed="grantee_collaborate", refused=None),
    "conferences:detail": Route(allowed="grantee_collaborate", refused="unrelated"),
    "conferences:ics": Route(allowed="grantee_collaborate", refused="unrelated"),
    "conferences:pdf": Route(allowed="social_worker", refused="grantee_basic"),
    "conferences:act": Route(allowed=None, refused="unrelated", method="post"),
    "conferences:autosave": Route(allowed=None, refused="grantee_collaborate", method="post"),
    # Network meetings hold no case data: their pages write no read entries, their refusals do.
    "networks:list": Route(allowed="grantee_collaborate", refused="auditor", personal=False),
    "networks:create": Route(allowed="social_worker", refused="grantee_collaborate", personal=False),
    "networks:detail": Route(allowed="grantee_collaborate", refused="grantee_basic", personal=False),
    "networks:edit": Route(allowed="social_worker", refused="grantee_collaborate", personal=False),
    "networks:plan": Route(allowed="social_worker", refused="grantee_collaborate", personal=False),
    "networks:meeting": Route(allowed="grantee_collaborate", refused="unrelated", personal=False),
    "networks:ics": Route(allowed="grantee_collaborate", refused="unrelated", personal=False),
    "networks:autosave": Route(allowed=None, refused="grantee_collaborate", method="post"),
    "networks:act": Route(allowed=None, refused="grantee_collaborate", method="post"),
    "networks:action_done": Route(allowed=None, refused="grantee_basic", method="post"),
    # Committee reports: aggregates only (no personal data); team leads and the reporting role.
    "reports:index": Route(allowed="team_lead", refused="social_worker", personal=False),
    **{
        f"reports:{n}": Route(allowed=None, refused="social_worker", personal=False)
        for n in ("detail", "status", "pdf", "csv", "xlsx")
    },
    "reports:recompute": Route(allowed=None, refused="social_worker", personal=False, method="post"),
    "audit:search": AUDIT_PAGE,
    "audit:export": AUDIT_PAGE,
    "audit:entry": AUDIT_PAGE,
    "audit:person_report": AUDIT_PAGE,
    "audit:reviews": AUDIT_PAGE,
    "audit:review": Route(allowed=None, refused="social_worker"),
    "audit:integrity": Route(allowed="auditor", refused="social_worker", personal=False),
    "audit:integrity_start": Route(allowed=None, refused="social_worker", method="post"),
    # Data-subject requests (privacy/): the data-protection officer only; a request's pages need
    # a request of the world's person (tests/test_privacy_access.py covers them as the officer).
    "privacy:list": AUDIT_PAGE,
    "privacy:new": Route(allowed="auditor", refused="social_worker", personal=False),
    **{f"privacy:{n}": Route(allowed=None, refused="social_worker") for n in ("detail", "report", "report_pdf")},
    **{f"privacy:{n}": Route(allowed=None, refused="team_lead") for n in ("report_json", "document")},
    **{
        f"privacy:{n}": Route(allowed=None, refused="clerk", method="post")
        for n in ("decide", "extend", "answer", "withhold")
    },
    # Retention: the officer's review names case numbers (a read); the rules are no personal data;
    # a case's legal hold is its team lead's (tests/test_retention_web.py covers the allowed side).
    "retention:review": AUDIT_PAGE,
    "retention:rules": Route(allowed="administrator", refused="social_worker", personal=False),
    "retention:rule_edit": Route(allowed=None, refused="social_worker", personal=False),
    "retention:hold": Route(allowed="team_lead", refused="social_worker"),
    # The Django admin: reference data, no personal data; its guard refuses everyone but staff.
    "admin:*": Route(allowed="administrator", refused="social_worker", personal=False),
}
# The partner API (/api/v1/) answers keys, not sessions: its refusals and reads are checked,
# per endpoint and kind of caller, by tests/test_api_matrix.py (one denied entry on the api
# channel per 404, an allowed entry for each read of personal data). The docs need a login.
API_ROUTES = [
    "cases",
    "case",
    "case-notes",
    "case-payments",
    "person",
    "grants",
    "access-requests",
    "offers",
    "offer",
    "referrals-incoming",
    "referrals-outgoing",
    "referral",
    "referral-accept",
    "referral-decline",
    "referral-contact",
    "referral-complete",
    "webhooks",
    "webhook",
    "webhook-test",
    "events",
    "no-such-endpoint",
]
ROUTES.update({f"api:{name}": Route(allowed=None, refused=None, personal=False) for name in API_ROUTES})
ROUTES.update(
    {f"api:{name}": Route(allowed="auditor", refused=None, personal=False) for name in ("schema", "docs", "redoc")}
)


def _project_routes() -> dict[str, str]:
    """name -> pattern of every route, from every URL module of the project (the admin as one)."""
    found: dict[str, str] = {}

    def walk(patterns, prefix="", namespace=None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                space = pattern.namespace or namespace
                if space == "admin":
                    found["admin:*"] = prefix + str(pattern.pattern)
                    continue
                walk(pattern.url_patterns, prefix + str(pattern.pattern), space)
            elif isinstance(pattern, URLPattern):
                found[f"{namespace}:{pattern.name}" if namespace else pattern.name] = prefix + str(pattern.pattern)

    walk(get_resolver().url_patterns)
    return found


def test_every_route_of_every_url_module_is_classified():
    missing = sorted(set(_project_routes()) - set(ROUTES))
    assert not missing, f"decide how these routes are logged (ROUTES): {missing}"
    assert not set(ROUTES) - set(_project_routes()), "ROUTES names routes that no longer exist"


@pytest.fixture(scope="module")
def _routes_world(django_db_setup, django_db_blocker):
    yield from world_for_the_module(django_db_blocker, _build)


@pytest.fixture
def world(db, _routes_world):
    return _routes_world


def _build():
    world = build_world()
    sw = world.users["social_worker"]
    access = case_access(user=sw, case_id=world.case.pk, report=False)
    intake_begin(actor=sw, case=access, contact_channel="walk_in")
    upload_name = "a.pdf"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile(upload_name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    world.document = document_add(actor=sw, case=access, title="Bescheid", category="general", upload=upload)
    world.task = task_add(actor=sw, case=access, title="Anrufen", category="general", assignee=sw)
    world.fund = fund_for(world.owner)
    world.payment = request_payment(world)
    payment_approve(actor=world.users["team_lead"], case=world.case, payment=world.payment)
    world.export = export_create(actor=world.users["clerk"], fund=world.fund, format="sepa")
    request_payment(world)  # one waiting in the desk's queue
    world.request = grants.access_request_create(
        actor=world.users["unrelated"], case=world.case, scope="basic", purpose="Prüfung der Zuständigkeit"
    )
    world.consent = grants.consent_record(
        actor=sw,
        person=world.person,
        agencies=[world.agencies["basic"]],
        scopes=["basic"],
        purpose="Zweck",
        given_how="written",
        text=world.consent_text,
        valid_until=timezone.localdate() + timedelta(days=9),
    )
    world.endpoint, _secret = webhook_endpoint_create(agency=world.owner, url="https://partner.example/hook")
    world.api_client = client_bootstrap(
        agency=world.owner, name="Fachverfahren", roles=[Role.CLERK], created_by=world.users["administrator"]
    )
    world.api_key, _whole = key_issue(actor=world.users["administrator"], client=world.api_client)
    _referral_to_a_partner(world)
    world.conference = conference_convene(
        actor=sw,
        case=world.case,
        participants=[{"agency": world.agencies["collaborate"], "scope": "collaborate", "statute": world.statute}],
        title="Fallkonferenz",
        purpose="Abstimmung der Hilfen",
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=1),
        place="Rathaus",
        video_link="",
    )
    _network_with_a_meeting(world)
    return world


def _network_with_a_meeting(world) -> None:
    """The owner convenes a network with the collaborate partner; one meeting, one action."""
    from access.networks import side_of
    from networks.services import action_add, meeting_plan, network_create

    sw = world.users["social_worker"]
    world.network = network_create(actor=sw, name="Netzwerk Nord", agencies=[world.agencies["collaborate"]])
    side = side_of(sw, world.network)
    world.meeting = meeting_plan(
        actor=sw,
        side=side,
        starts_at=timezone.now() + timedelta(days=2),
        ends_at=timezone.now() + timedelta(days=2, hours=2),
        place="Rathaus",
    )
    world.network_action = action_add(
        actor=sw,
        side=side,
        meeting_id=world.meeting.pk,
        agency=world.owner,
        assignee=sw,
        text="Einladung verschicken",
        due_on=timezone.localdate() + timedelta(days=5),
    )


def _referral_to_a_partner(world) -> None:
    """The owner refers the case to an offer of the collaborate partner (on a statute)."""
    provider = Provider.objects.create(name="Partnerträger", agency=world.agencies["collaborate"])
    world.offer = Offer.objects.create(provider=provider, name="Beratung", category="debt")
    world.referral = referral_save(
        actor=world.users["social_worker"],
        case=world.case,
        offer=world.offer,
        purpose="Beratung",
        scope="basic",
        respond_by=timezone.localdate() + timedelta(days=7),
        statute=world.statute,
    )


def _url(world, name: str) -> str:
    if name == "admin:*":
        return "/verwaltung/"
    values = {
        "case_id": world.case.pk,
        "person_id": world.person.pk,
        "grant_id": world.case.grants.first().pk,
        "consent_id": world.consent.pk,
        "request_id": world.request.pk,
        "token": "kein-gueltiges-token",
        "transition": "reopen",
        "step": "anliegen",
        "task_id": world.task.pk,
        "appointment_id": 999_999,
        "document_id": world.document.pk,
        "goal_id": 999_999,
        "step_id": 999_999,
        "entry_id": AccessLogEntry.objects.order_by("id").values_list("id", flat=True).first(),
        "review_id": 999_999,
        "notification_id": 999_999,
        "membership_id": 999_999,
        "payment_id": world.payment.pk,
        "export_id": world.export.pk,
        "action": "freigeben",
        "endpoint_id": world.endpoint.pk,
        "client_id": world.api_client.pk,
        "key_id": world.api_key.pk,
        "referral_id": world.referral.pk,
        "offer_id": world.offer.pk,
        "conference_id": world.conference.pk,
        "conference_step": "bestaetigen",
        "network_id": world.network.pk,
        "meeting_id": world.meeting.pk,
        "meeting_step": "protokoll",
        "network_action_id": world.network_action.pk,
        "hour_id": 999_999,
        "exception_id": 999_999,
        "booking_id": 999_999,
        "location_id": 999_999,
        "report_id": 999_999,
    }
    pattern = _project_routes()[name]
    kwargs = {key: values[key] for key in values if f":{key}>" in pattern}
    return reverse(name, kwargs=kwargs)


def _log_in(client, world, actor):
    user = world.users[actor]
    login(client, user, device=confirmed_device(user) if actor in ("auditor", "administrator") else None)
    return user


def _entries(response):
    return list(AccessLogEntry.objects.filter(request_id=response["X-Request-ID"]))


@pytest.mark.parametrize("name", [n for n, r in ROUTES.items() if r.refused])
def test_a_refusal_is_logged_once_as_denied(client, world, name):
    route = ROUTES[name]
    user = _log_in(client, world, route.refused)
    response = getattr(client, route.method)(_url(world, name))
    assert response.status_code == 404, f"{name} did not refuse {route.refused}"
    entries = _entries(response)
    denied = [e for e in entries if e.outcome == "denied"]
    assert len(denied) == 1, f"{name}: {[(e.action, e.object_type, e.outcome) for e in entries]}"
    assert denied[0].actor_id == user.pk and denied[0].channel in ("web", "admin")
    assert not [e for e in entries if e.outcome == "allowed"], f"{name} logged an allowed read with its 404"


@pytest.mark.parametrize("name", [n for n, r in ROUTES.items() if r.allowed and r.method == "get"])
def test_a_page_is_logged_as_a_view_when_it_shows_personal_data(client, world, name):
    route = ROUTES[name]
    user = _log_in(client, world, route.allowed)
    response = client.get(_url(world, name))
    assert response.status_code == 200, name
    entries = _entries(response)
    assert all(e.outcome == "allowed" for e in entries)
    if route.personal:
        assert entries, f"{name} showed personal data without an access-log entry"
        assert all(e.actor_id == user.pk for e in entries)
        # Showing a page (a form too) is a read; only saving it is a change.
        assert {e.action for e in entries} <= {"view", "list", "search", "export", "print"}, name
