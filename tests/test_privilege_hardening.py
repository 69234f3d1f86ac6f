"""The guarantees around the access model, tried as a malicious administrator, a partner that
writes beyond its scope, and an auditor judging themselves (issue: hardening the promises)."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from access.case_access import case_access
from access.errors import NotFound
from accounts.models import Invitation, User
from agencies.models import Membership
from agencies.roles import Role
from agencies.services import agency_deactivate, membership_add, membership_confirm, membership_request
from audit import review as reviews
from audit.models import AccessLogEntry, Review
from cases import grants
from cases.duplicates import find_duplicates
from cases.models import AccessGrant
from casework import services as work
from notifications import delivery
from notifications.models import Notification
from notifications.services import notify

from .conftest import confirmed_device, login
from .factories import PASSWORD, AgencyFactory, member
from .world import NOTE_TEXTS, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


def _admin_client(client, world):
    admin = world.users["administrator"]
    login(client, admin, device=confirmed_device(admin))
    return client, admin


# --- an administrator cannot read cases through an account they create -------------------------


def test_a_new_account_is_invited_and_no_password_is_ever_typed_by_the_admin(client, world):
    client, admin = _admin_client(client, world)
    response = client.post(
        "/verwaltung/accounts/user/add/",
        {"username": "neu", "first_name": "Nina", "last_name": "Neu", "email": "neu@test.invalid", "language": "de"},
    )
    assert response.status_code == 302
    new = User.objects.get(username="neu")
    assert not new.has_usable_password()
    assert client.get(f"/verwaltung/accounts/user/{new.pk}/password/").status_code == 404
    invitation = Invitation.objects.get(user=new)
    assert invitation.created_by == admin and len(invitation.token_hash) == 64
    (row,) = Notification.objects.filter(recipient=new, kind="accounts.invitation")
    # The link reaches the invited person by mail; the outbox is not in the admin at all.
    assert "/einladung/" in row.link
    assert client.get(f"/verwaltung/notifications/notification/{row.pk}/change/").status_code == 404


def test_the_invited_person_sets_the_password_once(client, world):
    admin = world.users["administrator"]
    new = User.objects.create(username="neu2", email="neu2@test.invalid")
    from accounts.invitations import invitation_send

    with mock.patch("accounts.invitations.secrets.token_urlsafe", return_value="t" * 43):
        invitation_send(actor=admin, user=new)
    url = "/einladung/" + "t" * 43 + "/"
    weak = client.post(url, {"new_password1": "kurz", "new_password2": "kurz"})
    assert weak.status_code == 200 and "kern-form-input__input--error" in weak.content.decode()
    good = client.post(url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert good.status_code == 302
    client.post("/abmelden/")
    assert client.get(url).status_code == 404  # used up


def test_a_role_an_administrator_asks_for_gives_nothing_until_the_team_lead_confirms(world):
    admin, lead = world.users["administrator"], world.users["team_lead"]
    stooge = User.objects.create_user("strohmann", password=PASSWORD)
    membership = membership_request(actor=admin, user=stooge, agency=world.owner, role=Role.SOCIAL_WORKER)
    assert membership.status == Membership.Status.PENDING
    with pytest.raises(NotFound):
        case_access(user=stooge, case_id=world.case.pk)
    with pytest.raises(NotFound):
        membership_confirm(actor=admin, membership=membership)  # who asked cannot confirm
    with pytest.raises(NotFound):
        membership_confirm(actor=world.users["social_worker"], membership=membership)  # not a team lead
    membership_confirm(actor=lead, membership=membership)
    fresh = User.objects.get(pk=stooge.pk)
    assert case_access(user=fresh, case_id=world.case.pk, report=False).is_owned
    entries = AccessLogEntry.objects.filter(object_type="membership", object_ids=[membership.pk])
    assert {e.purpose.split(":")[0] for e in entries} == {"requested", "confirmed"}
    assert Notification.objects.filter(kind="audit.role_change").exists()


def test_a_privileged_role_needs_a_second_administrator(world):
    admin = world.users["administrator"]
    second = member(Role.ADMINISTRATOR, world.owner, is_staff=True)
    second.is_verified = lambda: True
    lead = world.users["team_lead"]
    target = User.objects.create_user("kontrolle")
    membership = membership_request(actor=admin, user=target, agency=world.owner, role=Role.AUDITOR)
    with pytest.raises(NotFound):
        membership_confirm(actor=lead, membership=membership)
    membership_confirm(actor=second, membership=membership)
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.ACTIVE


def test_nobody_confirms_their_own_role_even_through_the_database(world):
    lead = world.users["team_lead"]
    own = Membership.objects.create(
        user=lead, agency=world.agencies["basic"], role=Role.TEAM_LEAD, requested_by=world.users["administrator"]
    )
    with pytest.raises(NotFound):
        membership_confirm(actor=lead, membership=own)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(pk=own.pk).update(status="active", confirmed_by=lead)


def test_the_admin_form_asks_and_does_not_give(client, world):
    client, _admin = _admin_client(client, world)
    target = User.objects.create_user("kandidatin")
    response = client.post(
        "/verwaltung/agencies/membership/add/",
        {"user": target.pk, "agency": world.owner.pk, "role": "social_worker", "org_unit": ""},
    )
    assert response.status_code == 302
    assert Membership.objects.get(user=target).status == Membership.Status.PENDING


# --- four eyes on sharing without consent --------------------------------------------------------


def _statute_grant(world, actor, agency="unrelated", scope="sensitive"):
    return grants.grant_create(
        actor=actor,
        case=world.case,
        grantee_agency=world.agencies[agency],
        scope=scope,
        purpose="Prüfung",
        valid_until=timezone.now() + timedelta(days=5),
        statute=world.statute,
    )


def test_sharing_on_a_statute_waits_for_another_team_lead(world):
    sw, lead = world.users["social_worker"], world.users["team_lead"]
    outsider = world.users["unrelated"]
    grant = _statute_grant(world, sw)
    assert grant.approval == AccessGrant.Approval.PENDING
    with pytest.raises(NotFound):
        case_access(user=outsider, case_id=world.case.pk)
    assert Notification.objects.filter(recipient=lead, kind="cases.grant_four_eyes").exists()
    with pytest.raises(NotFound):
        grants.grant_approve(actor=sw, grant=grant)  # a social worker has no approval right
    grants.grant_approve(actor=lead, grant=grant)
    assert case_access(user=User.objects.get(pk=outsider.pk), case_id=world.case.pk, report=False).scopes >= {
        "sensitive"
    }


def test_a_team_lead_cannot_approve_sharing_they_asked_for(world):
    lead = world.users["team_lead"]
    grant = _statute_grant(world, lead)
    with pytest.raises(ValidationError):
        grants.grant_approve(actor=lead, grant=grant)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessGrant.objects.filter(pk=grant.pk).update(approval="approved", approved_by=lead)


def test_sensitive_sharing_on_consent_tells_the_team_lead(world):
    sw = world.users["social_worker"]
    consent = grants.consent_record(
        actor=sw,
        person=world.person,
        agencies=[world.agencies["unrelated"]],
        scopes=["sensitive"],
        purpose="Beratung",
        given_how="written",
        text=world.consent_text,
        valid_until=timezone.localdate() + timedelta(days=30),
    )
    grant = grants.grant_create(
        actor=sw,
        case=world.case,
        grantee_agency=world.agencies["unrelated"],
        scope="sensitive",
        purpose="Beratung",
        valid_until=timezone.now() + timedelta(days=5),
        consent=consent,
    )
    assert grant.approval == AccessGrant.Approval.NOT_NEEDED
    assert Notification.objects.filter(recipient=world.users["team_lead"], kind="cases.grant_four_eyes").exists()


def test_the_auditors_agency_never_receives_case_data(world):
    auditors = world.users["auditor"].memberships.get().agency
    auditors.receives_case_data = False
    auditors.save()
    with pytest.raises(ValidationError) as refused:
        grants.grant_create(
            actor=world.users["social_worker"],
            case=world.case,
            grantee_agency=auditors,
            scope="basic",
            purpose="Prüfung",
            valid_until=timezone.now() + timedelta(days=5),
            statute=world.statute,
        )
    assert "grantee_agency" in refused.value.message_dict


# --- scopes that mean what they say ------------------------------------------------------------


def test_a_partner_changes_only_what_it_created(world):
    sw, partner = world.users["social_worker"], world.users["grantee_sensitive"]
    owners_task = work.task_add(actor=sw, case=world.case, title="Amt anrufen", category="general", assignee=sw)
    owners_appointment = work.appointment_add(
        actor=sw, case=world.case, starts_at=timezone.now() + timedelta(days=2), place="Büro", category="health"
    )
    with pytest.raises(NotFound):
        work.task_set_done(actor=partner, case=world.case, task=owners_task, done=True)
    with pytest.raises(NotFound):
        work.appointment_cancel(actor=partner, case=world.case, appointment=owners_appointment)
    with pytest.raises(NotFound):
        work.goal_add(actor=partner, case=world.case, area="housing", title="Neue Wohnung")
    own = work.task_add(actor=partner, case=world.case, title="Rückruf", category="general", assignee=partner)
    assert work.task_set_done(actor=partner, case=world.case, task=own, done=True).done_at is not None
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert work.document_add(actor=partner, case=world.case, title="Bericht", category="health", upload=pdf)


def test_the_basic_scope_never_reads_a_word_of_the_sensitive_record(client, world):
    """The Jobcenter with basic sees master data and what it needs to act safely — not the
    reason, the summary, notes or life areas, wherever they might show."""
    sw = world.users["social_worker"]
    services_case = world.case
    from cases import services

    services.case_update(
        actor=sw,
        case=services_case,
        version=services_case.version,
        title="Flucht vor häuslicher Gewalt",
        summary="Wohnt im Frauenhaus, Traumatherapie geplant",
        district=None,
        assigned_workers=[sw],
    )
    from casework.models import Intake, Situation

    Intake.objects.create(case=world.case, contact_channel="walk_in", started_by=sw)
    Situation.objects.create(case=world.case)
    work.situation_update(
        actor=sw,
        case=world.case,
        version=1,
        contact_restrictions=["no_mail_home"],
        areas={
            "safety": {"need": "urgent", "situation": "", "flag": True, "note": "Täter kennt Adresse"},
            "health": {"need": "support", "situation": "", "flag": False, "note": "Psychiatrische Behandlung"},
        },
    )
    login(client, world.users["grantee_basic"])
    secrets_ = [
        "Flucht vor häuslicher Gewalt",
        "Frauenhaus",
        "Traumatherapie",
        "Täter kennt Adresse",
        "Psychiatrische",
        *NOTE_TEXTS.values(),
    ]
    pages = ["/", "/faelle/", f"/faelle/{world.case.pk}/", f"/faelle/{world.case.pk}/verlauf/"]
    pages.append(f"/personen/{world.person.pk}/")
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        leaked = [word for word in secrets_ if word in text]
        assert not leaked, f"{url} shows {leaked}"


# --- after the verdict ---------------------------------------------------------------------------


def _break_glass(world, actor):
    result = find_duplicates(user=actor, given_name="Marta", family_name="Nowak")
    from cases.duplicates import match_redeem

    case = match_redeem(result.elsewhere[0].token, user=actor)
    return grants.break_glass_open(
        actor=actor, case=case, situation="acute_crisis", reason="Die Person ist in akuter Krise und nicht ansprechbar."
    )


def test_nobody_reviews_their_own_access(world):
    """An auditor who is also a social worker elsewhere breaks the glass, then opens the queue."""
    auditor = world.users["auditor"]
    membership_add(user=auditor, agency=world.agencies["unrelated"], role=Role.SOCIAL_WORKER)
    auditor = User.objects.get(pk=auditor.pk)
    auditor.is_verified = lambda: True
    grant = _break_glass(world, auditor)
    reviews.sync_break_glass_reviews()
    own = Review.objects.get(grant=grant)
    assert own not in reviews.pending_reviews(reviewer=auditor)
    with pytest.raises(NotFound):
        reviews.review_decide(actor=auditor, review=own, verdict="justified", comment="")


def test_not_justified_ends_the_emergency_access_and_tells_the_owner(world):
    outsider = world.users["unrelated"]
    grant = _break_glass(world, outsider)
    reviews.sync_break_glass_reviews()
    auditor = world.users["auditor"]
    auditor.is_verified = lambda: True
    reviews.review_decide(actor=auditor, review=Review.objects.get(grant=grant), verdict="not_justified", comment="x")
    with pytest.raises(NotFound):
        case_access(user=User.objects.get(pk=outsider.pk), case_id=world.case.pk)
    assert AccessGrant.objects.get(pk=grant.pk).revoked_at is not None
    assert Notification.objects.filter(recipient=world.users["team_lead"], kind="audit.not_justified_owner").exists()


def test_break_glass_cannot_be_renewed_and_a_token_is_single_use(world):
    outsider = world.users["unrelated"]
    result = find_duplicates(user=outsider, given_name="Marta", family_name="Nowak")
    token = result.elsewhere[0].token
    from cases.duplicates import match_redeem

    case = match_redeem(token, user=outsider)
    grants.break_glass_open(actor=outsider, case=case, situation="other", reason="x" * 40)
    with pytest.raises(NotFound):
        match_redeem(token, user=outsider)
    again = find_duplicates(user=outsider, given_name="Marta", family_name="Nowak").elsewhere
    assert again == []  # the record is visible now, through the running emergency grant
    with pytest.raises(ValidationError):
        grants.break_glass_open(actor=outsider, case=world.case, situation="other", reason="y" * 40)


def test_a_deactivated_agency_loses_every_access_at_once(world):
    partner = world.users["grantee_sensitive"]
    agency = world.agencies["sensitive"]
    assert case_access(user=partner, case_id=world.case.pk, report=False)
    agency_deactivate(actor=world.users["administrator"], agency=agency)
    with pytest.raises(NotFound):
        case_access(user=User.objects.get(pk=partner.pk), case_id=world.case.pk)
    assert not world.case.casegroupobjectpermission_set.filter(group_id=agency.group_id).exists()


# --- log gaps -------------------------------------------------------------------------------------


def test_refusing_an_access_request_is_logged_and_the_list_is_for_deciders(client, world):
    request = grants.access_request_create(
        actor=world.users["unrelated"], case=world.case, scope="basic", purpose="Prüfung der Zuständigkeit"
    )
    grants.access_request_decide(actor=world.users["team_lead"], request=request, approve=False, note="Kein Bedarf")
    assert AccessLogEntry.objects.filter(object_type="access_request", object_ids=[request.pk]).exists()
    login(client, world.users["clerk"])
    page = client.get("/zugriffsanfragen/").content.decode()
    assert world.case.reference not in page and world.agencies["unrelated"].name not in page


# --- honest delivery ------------------------------------------------------------------------------


def test_a_crash_after_sending_costs_at_most_one_duplicate(world, settings):
    user = world.users["social_worker"]
    (row,) = notify(recipients=[user], kind="t", subject="Test", channels=("email",))
    with mock.patch("notifications.delivery._mark_delivered", side_effect=SystemExit("worker killed")):
        with pytest.raises(SystemExit):
            delivery.deliver(row.pk)
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENDING
    assert delivery.deliver(row.pk) == "skipped"  # the lease still runs: no second worker sends it
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1)):
        assert delivery.deliver(row.pk) == "delivered"
        assert delivery.deliver(row.pk) == "skipped"
    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]


def test_in_app_stays_exactly_once(world):
    (row,) = notify(recipients=[world.users["clerk"]], kind="t", subject="Test")
    assert delivery.deliver(row.pk) == "delivered"
    assert delivery.deliver(row.pk) == "skipped"


def test_a_new_agency_without_team_lead_gets_its_first_from_a_second_administrator(world):
    admin = world.users["administrator"]
    second = member(Role.ADMINISTRATOR, world.owner, is_staff=True)
    second.is_verified = lambda: True
    fresh_agency = AgencyFactory(name="Neue Beratungsstelle")
    first_lead = User.objects.create_user("erste-leitung")
    membership = membership_request(actor=admin, user=first_lead, agency=fresh_agency, role=Role.TEAM_LEAD)
    membership_confirm(actor=second, membership=membership)
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.ACTIVE


# --- the adversarial review's findings ---------------------------------------------------------------


def test_an_agency_that_may_not_receive_case_data_cannot_break_the_glass(world):
    outsider = world.users["unrelated"]
    outsider.memberships.get().agency.__class__.objects.filter(pk=world.agencies["unrelated"].pk).update(
        receives_case_data=False
    )
    outsider = User.objects.get(pk=outsider.pk)
    result = find_duplicates(user=outsider, given_name="Marta", family_name="Nowak")
    from cases.duplicates import match_redeem

    case = match_redeem(result.elsewhere[0].token, user=outsider)
    with pytest.raises(NotFound):
        grants.break_glass_open(actor=outsider, case=case, situation="other", reason="x" * 40)
    with pytest.raises(NotFound):
        grants.access_request_create(actor=outsider, case=case, scope="basic", purpose="Prüfung der Zuständigkeit")


def test_only_colleagues_of_the_owning_agency_are_assigned(world):
    from cases import services

    sw = world.users["social_worker"]
    with pytest.raises(ValidationError) as refused:
        services.case_update(
            actor=sw,
            case=world.case,
            version=world.case.version,
            title="Wohnungsnot",
            summary="",
            district=None,
            assigned_workers=[world.users["grantee_basic"]],
        )
    assert "assigned_workers" in refused.value.message_dict


def test_a_new_invitation_puts_confirmed_roles_back_to_confirmation(world):
    """A rogue administrator changes the address of a confirmed but unused account and invites
    it again: the roles wait for the team lead again, who sees the new address."""
    from accounts.invitations import invitation_send

    admin, lead = world.users["administrator"], world.users["team_lead"]
    new = User.objects.create(username="neu3", email="neu3@test.invalid")
    membership = membership_request(actor=admin, user=new, agency=world.owner, role=Role.TEAM_LEAD)
    membership_confirm(actor=lead, membership=membership)
    new.email = "schurke@evil.invalid"
    new.save()
    invitation_send(actor=admin, user=new)
    assert Membership.objects.get(pk=membership.pk).status == Membership.Status.PENDING
    with pytest.raises(NotFound):
        grants.grant_approve(actor=User.objects.get(pk=new.pk), grant=_statute_grant(world, lead))


def test_switching_an_account_or_agency_on_again_revives_no_role(client, world):
    client, admin = _admin_client(client, world)
    partner = world.users["grantee_basic"]
    agency = world.agencies["basic"]
    client.post(
        f"/verwaltung/agencies/agency/{agency.pk}/change/",
        {**_agency_form(agency), "is_active": ""},
    )
    client.post(f"/verwaltung/agencies/agency/{agency.pk}/change/", {**_agency_form(agency), "is_active": "on"})
    assert not Membership.objects.filter(user=partner, status=Membership.Status.ACTIVE).exists()


def _agency_form(agency) -> dict:
    return {
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "municipality": agency.municipality,
        "receives_case_data": "on",
        "org_units-TOTAL_FORMS": "0",
        "org_units-INITIAL_FORMS": "0",
        "locations-TOTAL_FORMS": "0",
        "locations-INITIAL_FORMS": "0",
    }


def test_a_team_lead_elsewhere_does_not_see_the_owners_incoming_requests(client, world):
    sw = world.users["social_worker"]
    membership_add(user=sw, agency=world.agencies["unrelated"], role=Role.TEAM_LEAD)
    grants.access_request_create(
        actor=world.users["grantee_basic"], case=world.case, scope="sensitive", purpose="Prüfung der Zuständigkeit"
    )
    login(client, sw)
    assert world.case.reference not in client.get("/zugriffsanfragen/").content.decode()


def test_approving_ones_own_sharing_is_logged_as_denied(world):
    lead = world.users["team_lead"]
    grant = _statute_grant(world, lead)
    from audit.context import AccessContext, collected

    with collected(AccessContext(channel="web")), pytest.raises(ValidationError):
        grants.grant_approve(actor=lead, grant=grant)
    assert AccessLogEntry.objects.filter(actor=lead, outcome="denied", object_type="grant").exists()


def test_a_basic_partner_does_not_read_the_reason_for_closing(client, world):
    from cases import services

    sw = world.users["social_worker"]
    services.case_close(actor=sw, case=world.case, version=world.case.version, reason="Gewalt durch Ehemann")
    login(client, world.users["grantee_basic"])
    assert "Gewalt durch Ehemann" not in client.get(f"/faelle/{world.case.pk}/").content.decode()
