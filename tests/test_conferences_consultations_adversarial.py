"""Adversarial pass over case conferences and consultation hours: each test attacks as one
kind of outsider or insider. The failing ones are findings (their docstring says what should
happen); the passing ones add coverage the other test files do not have."""

import random
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from access.conferences import conference_for
from access.errors import NotFound
from agencies.roles import Role
from audit.models import AccessLogEntry
from cases import grants
from cases.models import ConsentText
from casework.models import Task
from casework.selectors import my_open_tasks
from conferences import services
from conferences.models import Conference, ConferenceAction, Participant
from consultations import schedule, work
from consultations.models import ConsultationBooking, ConsultationContact, ConsultationException
from consultations.uptake import TOTAL, build_report
from notifications.models import Notification
from reports.suppression import MINIMUM, PROTECTED, SHOWN, SMALL

from .conferences_world import build, convene
from .conftest import confirmed_device, login
from .consultations_world import BERLIN, build_consultation_world
from .factories import member
from .world import open_case

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    from accounts.second_factor import second_factor_required

    client = Client()
    login(client, user, device=confirmed_device(user) if second_factor_required(user) else None)
    return client


def _side(user, conference):
    return conference_for(user, conference.pk, Conference.objects.select_related("case"))


def _consent(world, scopes, agencies=None):
    text = ConsentText.objects.create(title="Einwilligung", version="2", body="Text")
    return grants.consent_record(
        actor=world.users["sw"],
        person=world.case.person,
        agencies=agencies or [world.jobcenter],
        scopes=scopes,
        purpose="Fallkonferenz",
        given_how="written",
        text=text,
        valid_until=timezone.localdate() + timedelta(days=200),
    )


# -- conferences: findings -----------------------------------------------------------------


@pytest.mark.parametrize("basis", ["basic_scope", "statute_pending", "grant_ended"])
def test_action_only_for_an_agency_whose_grant_covers_tasks(basis, settings):
    """An agreed action becomes a task in the action agency's name. An invited agency whose grant
    does not hold the collaborate scope in force (basic scope; a statute still awaiting the four
    eyes; a grant that ended CONFERENCE_GRANT_DAYS_AFTER days after the conference) may not read
    or add tasks on the case: the action must be refused at the agency field (today the task is
    created, invisible to its assignee, who is still notified with a link)."""
    world = build()
    if basis == "basic_scope":
        conference = convene(
            world, participants=[{"agency": world.jobcenter, "scope": "basic", "consent": world.consent}]
        )
        agency, assignee = world.jobcenter, world.users["jc"]
    elif basis == "statute_pending":
        conference = convene(
            world, participants=[{"agency": world.other, "scope": "collaborate", "statute": world.statute}]
        )
        agency, assignee = world.other, world.users["other"]
    else:
        settings.CONFERENCE_GRANT_DAYS_AFTER = 2
        conference = convene(world)
        agency, assignee = world.jobcenter, world.users["jc"]
    sw = world.users["sw"]
    later = conference.ends_at + timedelta(days=3) if basis == "grant_ended" else timezone.now()
    with time_machine.travel(later, tick=False):
        with pytest.raises(ValidationError) as raised:
            services.action_add(
                actor=sw, side=_side(sw, conference), agency=agency, assignee=assignee, text="BuT-Antrag"
            )
    assert "agency" in raised.value.message_dict
    assert not Task.objects.exists()


def test_sensitive_conference_grant_tells_the_team_leads():
    """Sharing a case's sensitive scope on consent tells the owning agency's team leads
    (cases.grants.grant_create). An invitation to a conference on the sensitive scope opens the
    same kind of grant and must tell them too; conference_grant_open skips it."""
    world = build()
    consent = _consent(world, ["basic", "collaborate", "sensitive"])
    convene(world, participants=[{"agency": world.jobcenter, "scope": "sensitive", "consent": consent}])
    assert Notification.objects.filter(recipient=world.users["lead"], kind="cases.grant_four_eyes").exists()


def test_representative_must_be_an_active_user():
    """The representative recorded for a present agency must be an active member of it; a
    deactivated user account is refused like a non-member (the form does not even offer it)."""
    world = build()
    conference = convene(world)
    gone = member(Role.PARTNER_STAFF, world.jobcenter, username="jc-gone")
    gone.is_active = False
    gone.save()
    sw = world.users["sw"]
    participant = conference.participants.get()
    with pytest.raises(ValidationError) as raised:
        services.attendance_record(
            actor=sw,
            side=_side(sw, conference),
            participant_id=participant.pk,
            attendance=Participant.Attendance.PRESENT,
            sent_information=False,
            representative=gone,
        )
    assert "representative" in raised.value.message_dict


# -- conferences: coverage -----------------------------------------------------------------


def test_clerk_of_the_owner_follows_but_never_convenes_or_writes():
    world = build()
    conference = convene(world)
    clerk = world.users["clerk"]
    client = client_for(clerk)
    assert client.get(f"/faelle/{world.case.pk}/fallkonferenzen/neu/").status_code == 404
    assert client.get(f"/fallkonferenzen/{conference.pk}/").status_code == 200
    base = f"/fallkonferenzen/{conference.pk}/"
    for step in ["beschluss", "massnahme", "zurueckziehen", "absagen", "einladen", "protokoll/entwurf"]:
        assert client.post(f"{base}{step}/", {"decision-text": "x", "cancel-reason": "x"}).status_code == 404, step
    with pytest.raises(NotFound):
        services.decision_add(actor=clerk, side=_side(clerk, conference), text="x")
    conference.refresh_from_db()
    assert conference.status == Conference.Status.PLANNED and not conference.decisions.exists()


def test_partner_with_a_grant_cannot_convene_on_the_shared_case():
    world = build()
    convene(world)  # the jobcenter holds a collaborate grant on the case now
    jc = world.users["jc"]
    client = client_for(jc)
    assert client.get(f"/faelle/{world.case.pk}/fallkonferenzen/neu/").status_code == 404
    assert client.post(f"/faelle/{world.case.pk}/fallkonferenzen/neu/", {"title": "x"}).status_code == 404
    with pytest.raises(NotFound):
        services.conference_convene(
            actor=jc,
            case=world.case,
            participants=[{"agency": world.other, "scope": "basic", "statute": world.statute}],
            title="x",
            purpose="x",
            starts_at=timezone.now() + timedelta(days=2),
            ends_at=timezone.now() + timedelta(days=2, hours=1),
            place="x",
            video_link="",
        )
    assert Conference.objects.count() == 1


def test_participant_ids_of_another_conference_are_not_reachable():
    """Withdraw and attendance with a participant id of another conference (of another case of
    the same owner): nothing changes in the other conference."""
    world = build()
    first = convene(world)
    second_case = open_case(world.users["sw"], family_name="Zweite", given_name="Person")
    world.case = second_case
    consent = _consent(world, ["basic"])
    second = convene(world, participants=[{"agency": world.jobcenter, "scope": "basic", "consent": consent}])
    foreign = second.participants.get()
    client = client_for(world.users["sw"])
    base = f"/fallkonferenzen/{first.pk}/"
    client.post(base + "zurueckziehen/", {"participant": foreign.pk, "withdraw-reason": "weg"})
    client.post(base + "anwesenheit/", {"participant": foreign.pk, "attendance": "present"})
    foreign.refresh_from_db()
    assert foreign.withdrawn_at is None and foreign.attendance == Participant.Attendance.UNKNOWN
    assert foreign.grant.revoked_at is None


def test_withdrawn_then_minutes_after_grant_end_stay_hidden_in_pdf():
    world = build()
    conference = convene(world)
    sw = world.users["sw"]
    with time_machine.travel(conference.starts_at + timedelta(minutes=5)):
        services.minutes_finalise(actor=sw, side=_side(sw, conference), text="Geheim-31", version=conference.version)
    jc = client_for(world.users["jc"])
    jc.post(f"/fallkonferenzen/{conference.pk}/bestaetigen/")
    assert jc.get(f"/fallkonferenzen/{conference.pk}/protokoll.pdf").status_code == 200
    services.participant_withdraw(
        actor=sw, side=_side(sw, conference), participant_id=conference.participants.get().pk, reason="x"
    )
    assert jc.get(f"/fallkonferenzen/{conference.pk}/protokoll.pdf").status_code == 404
    assert jc.get(f"/fallkonferenzen/{conference.pk}/einladung.ics").status_code == 404


def test_basic_scope_partner_never_sees_an_action_task():
    """Whatever the service allows: a task in a basic-scope agency's name is not listed to it."""
    world = build()
    conference = convene(world, participants=[{"agency": world.jobcenter, "scope": "basic", "consent": world.consent}])
    sw = world.users["sw"]
    try:
        services.action_add(
            actor=sw,
            side=_side(sw, conference),
            agency=world.jobcenter,
            assignee=world.users["jc"],
            text="Geheim-Aufgabe",
        )
    except ValidationError:
        return
    assert my_open_tasks(user=world.users["jc"]) == []
    page = client_for(world.users["jc"]).get(f"/faelle/{world.case.pk}/aufgaben/")
    assert b"Geheim-Aufgabe" not in page.content
    assert ConferenceAction.objects.count() == 1


# -- consultation hours --------------------------------------------------------------------


@pytest.fixture
def cworld(db):
    with time_machine.travel(datetime(2026, 12, 7, 9, tzinfo=BERLIN), tick=False):
        yield build_consultation_world()


@pytest.fixture
def december():
    with time_machine.travel(datetime(2026, 12, 7, 9, tzinfo=BERLIN), tick=False):
        yield


def test_anonymous_is_sent_to_login_on_every_staff_page(client, cworld, december):
    hour = cworld.hours["slots"]
    urls = [
        "/sprechstunden/verwalten/",
        "/sprechstunden/verwalten/neu/",
        f"/sprechstunden/verwalten/{hour.pk}/",
        f"/sprechstunden/verwalten/{hour.pk}/bearbeiten/",
        f"/sprechstunden/verwalten/{hour.pk}/kontakt/",
        "/sprechstunden/auswertung/",
        "/sprechstunden/auswertung.csv",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/anmelden/"), url
    for url in ("ausnahmen/", "termine/", "kontakt/"):
        response = client.post(f"/sprechstunden/verwalten/{hour.pk}/{url}", {"date": "2026-12-10"})
        assert response.status_code in (302, 403), url
    assert not ConsultationException.objects.exists() and not ConsultationBooking.objects.exists()


def test_another_agencys_lead_cannot_touch_exceptions_or_bookings(client, cworld, december):
    hour = cworld.hours["slots"]
    exception = ConsultationException.objects.create(hour=hour, date=date(2026, 12, 17), kind="cancelled")
    booking = work.booking_add(actor=cworld.users["staff"], hour=hour, day=date(2026, 12, 10), starts_at=time(15))
    intruder = cworld.users["city_lead"]
    login(client, intruder)
    base = f"/sprechstunden/verwalten/{hour.pk}/"
    assert client.post(base + "ausnahmen/", {"date": "2026-12-24", "kind": "cancelled"}).status_code == 404
    assert client.post(f"{base}ausnahmen/{exception.pk}/entfernen/").status_code == 404
    assert client.post(base + "termine/", {"date": "2026-12-10", "starts_at": "14:00"}).status_code == 404
    assert client.post(f"{base}termine/{booking.pk}/absagen/").status_code == 404
    assert client.get(base).status_code == 404
    assert ConsultationException.objects.filter(hour=hour).count() == 1
    assert ConsultationBooking.objects.filter(pk=booking.pk).exists()
    assert AccessLogEntry.objects.filter(actor=intruder, outcome="denied").count() >= 5


def test_exception_and_booking_ids_of_another_hour_are_not_reachable(client, cworld, december):
    """The lead manages both hours: an exception or booking id of hour B posted on hour A's URL
    removes nothing."""
    a, b = cworld.hours["walk_in"], cworld.hours["slots"]
    exception = ConsultationException.objects.create(hour=b, date=date(2026, 12, 17), kind="cancelled")
    booking = work.booking_add(actor=cworld.users["staff"], hour=b, day=date(2026, 12, 10), starts_at=time(15))
    login(client, cworld.users["lead"])
    client.post(f"/sprechstunden/verwalten/{a.pk}/ausnahmen/{exception.pk}/entfernen/")
    client.post(f"/sprechstunden/verwalten/{a.pk}/termine/{booking.pk}/absagen/")
    assert ConsultationException.objects.filter(pk=exception.pk).exists()
    assert ConsultationBooking.objects.filter(pk=booking.pk).exists()


@pytest.mark.parametrize(
    "value", ["abc", "-1", "0", "1.5", "١", "99999999999999999999", "1 ", "%00", "1;DROP", "²", "0x1"]
)
def test_the_feed_with_a_malformed_district_is_a_404(client, cworld, december, value):
    assert client.get("/sprechstunden/kalender.ics", {"stadtteil": value}).status_code == 404


def test_public_pages_name_no_booking_label_staff_or_person(client, cworld, december):
    hour = cworld.hours["slots"]
    work.booking_add(
        actor=cworld.users["staff"],
        hour=hour,
        day=date(2026, 12, 10),
        starts_at=time(15),
        label="Frau Vogelsang",
        case_reference=cworld.cases["own"].reference,
    )
    pages = [
        client.get("/sprechstunden/").content.decode(),
        client.get("/sprechstunden/kalender.ics").content.decode(),
        client.get(f"/sprechstunden/aushang/{hour.location_id}/").content.decode(),
    ]
    for page in pages:
        for name in ("Vogelsang", "Sprechstundenkraft", "Leitungsperson", "Petra", cworld.cases["own"].reference):
            assert name not in page


def test_a_case_number_padded_past_the_maximum_does_not_link(cworld, december):
    """A number longer than any case number is unknown, not silently cut to an existing one."""
    reference = cworld.cases["own"].reference
    data = {"date": date(2026, 12, 8), "topic": "other", "first_contact": False, "outcome": "information"}
    with pytest.raises(ValidationError):
        work.contact_record(
            actor=cworld.users["staff"], hour=cworld.hours["walk_in"], data=data, case_reference=reference + "X" * 80
        )
    assert not ConsultationContact.objects.exists()


# -- uptake report: an attacker who also knows the report's inequalities ------------------

COLUMNS = ["contacts", "first", "repeat", "applications", "referrals"]


def _published(report):
    values, states, relations = {}, {}, []
    rows = [(TOTAL,)]
    for column, cell in zip(COLUMNS, report.total.cells, strict=True):
        values[(TOTAL, column)], states[(TOTAL, column)] = cell.value, cell.state
    relations.append(((TOTAL, "contacts"), ((TOTAL, "first"), (TOTAL, "repeat"))))
    for table in report.tables:
        for row in table.rows:
            rows.append((table.key, row.key))
            for column, cell in zip(COLUMNS, row.cells, strict=True):
                values[(table.key, row.key, column)], states[(table.key, row.key, column)] = cell.value, cell.state
            relations.append(
                ((table.key, row.key, "contacts"), tuple((table.key, row.key, c) for c in ("first", "repeat")))
            )
        for column in COLUMNS:
            relations.append(((TOTAL, column), tuple((table.key, row.key, column) for row in table.rows)))
    return values, states, relations, rows


def _solve(values, states, relations, rows):
    """Sums as equalities, and what every reader knows about a contact's single outcome:
    applications + referrals <= contacts in every row."""
    big = values[(TOTAL, "contacts")] + 1000
    low = {k: (v if states[k] == SHOWN else (MINIMUM if states[k] == PROTECTED else 0)) for k, v in values.items()}
    high = {k: (v if states[k] == SHOWN else (MINIMUM - 1 if states[k] == SMALL else big)) for k, v in values.items()}

    def narrow(key, lo, hi):
        lo, hi = max(low[key], lo), min(high[key], hi)
        if (lo, hi) != (low[key], high[key]):
            low[key], high[key] = lo, hi
            return True
        return False

    changed = True
    while changed:
        changed = False
        for total, parts in relations:
            changed |= narrow(total, sum(low[p] for p in parts), sum(high[p] for p in parts))
            for part in parts:
                others_low = sum(low[p] for p in parts if p != part)
                others_high = sum(high[p] for p in parts if p != part)
                changed |= narrow(part, low[total] - others_high, high[total] - others_low)
        for row in rows:
            c, a, r = (*row, "contacts"), (*row, "applications"), (*row, "referrals")
            changed |= narrow(a, 0, high[c] - low[r])
            changed |= narrow(r, 0, high[c] - low[a])
            changed |= narrow(c, low[a] + low[r], high[c])
    return low, high


def _uptake_contacts(world, rng, count):
    dates = {
        key: [o.date for o in schedule.occurrences(hour, date(2026, 10, 1), date(2026, 12, 19)) if o.takes_place]
        for key, hour in world.hours.items()
    }
    districts = [*world.districts.values(), None]
    rows = []
    for _n in range(count):
        key = rng.choice(list(world.hours))
        hour = world.hours[key]
        rows.append(
            ConsultationContact(
                hour=hour,
                agency=hour.agency,
                location=hour.location,
                date=rng.choice(dates[key]),
                topic=rng.choice(["but_education", "sgb2_benefits", "debts", "housing"]),
                district=rng.choice(districts),
                first_contact=rng.random() < 0.6,
                outcome=rng.choice(["information", "application_started", "referred", "appointment_made"]),
            )
        )
    ConsultationContact.objects.bulk_create(rows)


def test_no_small_count_is_pinned_by_the_outcome_inequality():
    """Every contact has one outcome, so in every row applications + referrals <= contacts.
    The suppression audit solves only the sums; a reader who also uses this inequality must
    not pin any small count (1 to 4) either. Failing seeds are listed."""
    pinned = []
    with time_machine.travel(datetime(2026, 12, 20, 9, tzinfo=BERLIN), tick=False):
        world = build_consultation_world()
    for seed in range(40):
        with time_machine.travel(datetime(2026, 12, 20, 9, tzinfo=BERLIN), tick=False):
            ConsultationContact.objects.all().delete()
            rng = random.Random(seed)
            _uptake_contacts(world, rng, rng.choice([9, 17, 30, 60]))
            report = build_report(agency=world.agencies["mainarbeit"], first=date(2026, 10, 1), last=date(2026, 12, 1))
        values, states, relations, rows = _published(report)
        low, high = _solve(values, states, relations, rows)
        for key, value in values.items():
            assert low[key] <= value <= high[key], (seed, key)
            if states[key] == SMALL and value > 0 and low[key] == high[key]:
                pinned.append((seed, key, value))
    assert pinned == []


@pytest.mark.parametrize(
    "shape",
    [
        # (district X: contacts, first, applications, referrals), (district Y: ...)
        ((5, 5, 4, 0), (6, 6, 6, 0)),
        ((7, 7, 4, 0), (5, 5, 5, 0)),
        ((9, 9, 4, 5), (5, 5, 5, 0)),
        ((5, 5, 1, 0), (5, 5, 5, 0)),
    ],
)
@pytest.mark.xfail(
    strict=True,
    reason="Known limit, in the README: the suppression audits one report against its own totals; "
    "the relation applications + referrals <= contacts is not yet used as a bound.",
)
def test_a_shaped_report_pins_no_small_count(shape):
    """Every contact has one outcome, so applications (and referrals) never exceed the row's
    contacts. Here district Y's applications are hidden as "×" to protect district X's "< 5",
    but Y's contacts are shown, so "×" lies between 5 and Y's contacts and X's small count
    follows exactly from the shown total. The suppression must treat applications + referrals
    <= contacts as a published relation (or hide a further figure) so that no small count 1-4
    can be pinned."""
    with time_machine.travel(datetime(2026, 12, 20, 9, tzinfo=BERLIN), tick=False):
        world = build_consultation_world()
        hour = world.hours["walk_in"]
        day = next(o.date for o in schedule.occurrences(hour, date(2026, 12, 1), date(2026, 12, 19)) if o.takes_place)
        rows = []
        for district, (contacts, first, applications, referrals) in zip(
            [world.districts["Nordend"], world.districts["Lauterborn"]], shape, strict=True
        ):
            outcomes = ["application_started"] * applications + ["referred"] * referrals
            outcomes += ["information"] * (contacts - len(outcomes))
            for n, outcome in enumerate(outcomes):
                rows.append(
                    ConsultationContact(
                        hour=hour,
                        agency=hour.agency,
                        location=hour.location,
                        date=day,
                        topic="debts",
                        district=district,
                        first_contact=n < first,
                        outcome=outcome,
                    )
                )
        ConsultationContact.objects.bulk_create(rows)
        report = build_report(agency=world.agencies["mainarbeit"], first=date(2026, 12, 1), last=date(2026, 12, 1))
    values, states, relations, published_rows = _published(report)
    low, high = _solve(values, states, relations, published_rows)
    pinned = [(k, v) for k, v in values.items() if states[k] == SMALL and v > 0 and low[k] == high[k]]
    assert pinned == [], {k: (states[k], values[k]) for k in values}


@pytest.mark.xfail(
    strict=True,
    reason="Known limit, in the README: reports of overlapping periods can be subtracted; "
    "publishing fixed periods only is the next step.",
)
def test_overlapping_periods_do_not_reveal_a_small_month():
    """The report takes any period of months. December's 3 contacts are "< 5" in the report
    for October to December, but its total minus the total for October to November gives them
    exactly (on the page and in the CSV). Periods must not be combinable like that (e.g. only
    fixed, non-overlapping periods, or totals suppressed against the neighbouring periods)."""
    with time_machine.travel(datetime(2026, 12, 20, 9, tzinfo=BERLIN), tick=False):
        world = build_consultation_world()
        hour = world.hours["walk_in"]
        by_month = {10: 10, 11: 10, 12: 3}
        rows = []
        for month, count in by_month.items():
            day = date(2026, month, 1)
            rows += [
                ConsultationContact(
                    hour=hour,
                    agency=hour.agency,
                    location=hour.location,
                    date=day,
                    topic="debts",
                    district=world.districts["Nordend"],
                    first_contact=True,
                    outcome="information",
                )
                for _n in range(count)
            ]
        ConsultationContact.objects.bulk_create(rows)
        agency = world.agencies["mainarbeit"]
        long = build_report(agency=agency, first=date(2026, 10, 1), last=date(2026, 12, 1))
        short = build_report(agency=agency, first=date(2026, 10, 1), last=date(2026, 11, 1))
    december = next(t for t in long.tables if t.key == "month").rows[-1].cells[0]
    assert december.state == SMALL and december.value == 3
    long_total, short_total = long.total.cells[0], short.total.cells[0]
    worked_out = long_total.shown and short_total.shown and long_total.value - short_total.value
    assert worked_out != december.value


def test_invite_step_cannot_exceed_the_consent_scope():
    world = build()
    conference = convene(world)
    sw = world.users["sw"]
    with pytest.raises(ValidationError) as raised:
        services.participant_invite(
            actor=sw,
            side=_side(sw, conference),
            row={"agency": world.jobcenter, "scope": "sensitive", "consent": world.consent},
        )
    assert raised.value.message_dict
    with pytest.raises(ValidationError):
        services.participant_invite(
            actor=sw,
            side=_side(sw, conference),
            row={"agency": world.other, "scope": "basic", "consent": world.consent},
        )
    assert conference.participants.count() == 1
