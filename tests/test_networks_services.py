"""Network meetings, their services: a network is set up by its convening agency, a meeting
planned with German errors at the field (nothing half-saved), the invitation goes out with an
iCalendar attachment, concurrent edits are refused by version, minutes keep a draft, and the
anonymity check warns only about names the author may see."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import override

from access.errors import NotFound
from access.networks import side_of
from agencies.models import Agency
from agencies.roles import Role
from networks import services
from networks.models import Meeting, MeetingAction, Network
from networks.names import names_in, words_of
from notifications.models import Notification

from .factories import AgencyFactory, member
from .world import open_case

pytestmark = pytest.mark.django_db


class NetworkWorld:
    """The desk convenes a network with a Jobcenter and a counselling centre; a fourth agency
    stays out. The desk has a client "Marta Nowak"; the outside agency a client "Jelena Petrović"."""

    def __init__(self):
        self.desk = AgencyFactory(name="Hilfen in Notlagen Offenbach", short_name="OE 50")
        self.jobcenter = AgencyFactory(name="MainArbeit Offenbach", short_name="MainArbeit", kind=Agency.Kind.JOBCENTER)
        self.counselling = AgencyFactory(name="Frauenberatung Offenbach", short_name="Frauenberatung")
        self.outside = AgencyFactory(name="Unbeteiligte Stelle", short_name="Unbeteiligt")
        self.users = {
            "sw": member(Role.SOCIAL_WORKER, self.desk, username="sw", first_name="Miriam", last_name="Kowalski"),
            "lead": member(Role.TEAM_LEAD, self.desk, username="lead"),
            "clerk": member(Role.CLERK, self.desk, username="clerk"),
            "jc": member(Role.PARTNER_STAFF, self.jobcenter, username="jc", first_name="Jonas", last_name="Berg"),
            "fb": member(Role.PARTNER_STAFF, self.counselling, username="fb"),
            "outside": member(Role.SOCIAL_WORKER, self.outside, username="outside"),
        }
        self.case = open_case(self.users["sw"], family_name="Nowak", given_name="Marta")
        self.hidden_case = open_case(self.users["outside"], family_name="Petrović", given_name="Jelena")
        self.network = services.network_create(
            actor=self.users["sw"],
            name="Netzwerk Nordend",
            rhythm="monatlich, erster Dienstag",
            agencies=[self.jobcenter, self.counselling],
        )

    def side(self, user="sw"):
        return side_of(self.users[user] if isinstance(user, str) else user, Network.objects.get(pk=self.network.pk))


def when(days: int = 3, hour: int = 10):
    start = (timezone.localtime() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=2)


def plan(world, days: int = 3, **extra) -> Meeting:
    starts_at, ends_at = when(days)
    fields = {"starts_at": starts_at, "ends_at": ends_at, "place": "Stadtteilbüro Nordend", "agenda": ["Runde"]}
    fields.update(extra)
    return services.meeting_plan(actor=world.users["sw"], side=world.side(), **fields)


def begun(meeting: Meeting) -> Meeting:
    """The meeting as if it had begun an hour ago (minutes are final only once it has begun)."""
    start = timezone.now() - timedelta(hours=1)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=start, ends_at=start + timedelta(hours=2))
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def world():
    return NetworkWorld()


def test_network_is_convened_by_the_actors_agency(world):
    network = world.network
    assert network.convening_agency == world.desk
    assert set(network.agencies.all()) == {world.jobcenter, world.counselling}
    assert world.side("sw").manages and world.side("lead").manages
    assert not world.side("jc").manages and world.side("jc").acting_agency_id == world.jobcenter.pk
    assert world.side("clerk") is None and world.side("outside") is None


def test_partner_staff_cannot_set_up_a_network(world):
    with pytest.raises(NotFound):
        services.network_create(actor=world.users["jc"], name="Eigenes Netz", agencies=[world.desk])


def test_network_needs_a_name_and_another_agency(world):
    with override("de"), pytest.raises(ValidationError) as caught:
        services.network_create(actor=world.users["sw"], name=" ", agencies=[world.desk])
    assert set(caught.value.message_dict) == {"name", "agencies"}
    assert Network.objects.count() == 1


def test_plan_invites_every_taking_part_member_with_an_ics(world):
    meeting = plan(world)
    invited = Notification.objects.filter(kind="networks.invitation")
    assert {n.recipient.username for n in invited} == {"lead", "jc", "fb"}  # not the planner, not the clerk
    assert {n.channel for n in invited} == {"in_app", "email"}
    mail = invited.filter(channel="email").first()
    assert mail.attachment_name == "netzwerktreffen.ics" and mail.attachment_type == "text/calendar"
    assert "BEGIN:VEVENT" in mail.attachment and "Europe/Berlin" in mail.attachment
    assert not invited.filter(channel="in_app").exclude(attachment="").exists()
    assert all("Netzwerk Nordend" in n.subject and n.link == f"/netzwerktreffen/{meeting.pk}/" for n in invited)


def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(world):
    start = timezone.now() - timedelta(hours=1)
    with override("de"), pytest.raises(ValidationError) as caught:
        services.meeting_plan(
            actor=world.users["sw"],
            side=world.side(),
            starts_at=start,
            ends_at=start - timedelta(hours=1),
            place="",
            agenda=["x" * 201],
        )
    errors = caught.value.message_dict
    assert set(errors) == {"starts_at", "place", "agenda"} or set(errors) == {"starts_at", "ends_at", "place", "agenda"}
    assert "Vergangenheit" in errors["starts_at"][0] or "past" in errors["starts_at"][0]
    assert not Meeting.objects.exists() and not Notification.objects.filter(kind="networks.invitation").exists()
    future, _end = when()
    with pytest.raises(ValidationError) as caught:
        services.meeting_plan(actor=world.users["sw"], side=world.side(), starts_at=future, ends_at=future, place="Ort")
    assert set(caught.value.message_dict) == {"ends_at"}


def test_a_participant_cannot_plan_or_write_minutes(world):
    with pytest.raises(NotFound):
        plan_as = world.side("jc")
        start, end = when()
        services.meeting_plan(actor=world.users["jc"], side=plan_as, starts_at=start, ends_at=end, place="Ort")
    meeting = plan(world)
    with pytest.raises(NotFound):
        services.minutes_autosave(
            actor=world.users["jc"], side=world.side("jc"), meeting_id=meeting.pk, text="x", version=meeting.version
        )


def test_version_conflict_keeps_the_other_writers_draft(world):
    meeting = plan(world)
    first, _names = services.minutes_autosave(
        actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk, text="Erste Fassung", version=1
    )
    assert first.version == 2
    with pytest.raises(ValidationError) as caught:
        services.minutes_autosave(
            actor=world.users["lead"], side=world.side("lead"), meeting_id=meeting.pk, text="Zweite", version=1
        )
    assert "__all__" in caught.value.message_dict
    meeting.refresh_from_db()
    assert meeting.minutes_draft == "Erste Fassung" and meeting.version == 2


def test_draft_survives_and_final_minutes_need_the_meeting_to_have_begun(world):
    meeting = plan(world)
    meeting, _names = services.minutes_autosave(
        actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk, text="Entwurf", version=meeting.version
    )
    with pytest.raises(ValidationError) as caught:
        services.minutes_finalise(
            actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk, text="Fertig", version=meeting.version
        )
    assert "minutes" in caught.value.message_dict
    meeting = begun(meeting)
    meeting = services.minutes_finalise(
        actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk, text="Fertig", version=meeting.version
    )
    assert meeting.status == Meeting.Status.HELD and meeting.minutes == "Fertig" and meeting.minutes_draft == ""


def test_words_ignore_short_tokens_and_stop_words():
    words = words_of("Frau N. und Herr Ko trafen Müller-Lüdenscheidt im Winter")
    assert "N" not in words and "KO" not in words and "WINTER" not in words and "UND" not in words
    assert {"MÜLLER-LÜDENSCHEIDT", "MÜLLER", "LÜDENSCHEIDT", "TRAFEN"} <= set(words)


def test_name_check_warns_only_about_names_the_author_may_see(world, django_assert_max_num_queries):
    text = "Frau nowak und Frau Petrović kamen; MARTA hat eine Wohnung. Familie Novak zog um."
    # One query per name field and one by sound, bounded by the words, not by the persons.
    with django_assert_max_num_queries(6):
        names = names_in(text, author=world.users["sw"])
    # Nowak and Marta exactly (any case), Novak by its sound; Petrović is a client of an agency
    # the author cannot see: no warning, nothing revealed.
    assert names == ["nowak", "MARTA", "Novak"]
    assert names_in(text, author=world.users["outside"]) == ["Petrović"]
    assert names_in(text, author=world.users["jc"]) == []  # the Jobcenter sees neither case


def test_final_minutes_with_a_name_need_confirmation(world):
    meeting = begun(plan(world))
    _meeting, names = services.minutes_autosave(
        actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk, text="Frau Nowak braucht", version=1
    )
    assert names == ["Nowak"]  # the draft is kept and only warns
    with override("de"), pytest.raises(services.NamesFound) as caught:
        services.minutes_finalise(
            actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk, text="Frau Nowak braucht", version=2
        )
    assert caught.value.names == ["Nowak"]
    message = caught.value.message_dict["minutes"][0]
    assert "„Nowak“" in message
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED and meeting.minutes == ""
    meeting = services.minutes_finalise(
        actor=world.users["sw"],
        side=world.side(),
        meeting_id=meeting.pk,
        text="Frau Nowak braucht",
        version=2,
        keep_names=True,
    )
    assert meeting.status == Meeting.Status.HELD


def test_actions_need_a_taking_part_agency_and_its_member(world):
    meeting = plan(world)
    due = timezone.localdate() + timedelta(days=7)
    add = dict(actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk)
    with pytest.raises(ValidationError) as caught:
        services.action_add(**add, agency=world.outside, assignee=world.users["outside"], text="x", due_on=due)
    assert set(caught.value.message_dict) == {"agency"}
    with pytest.raises(ValidationError) as caught:
        services.action_add(**add, agency=world.jobcenter, assignee=world.users["fb"], text="x", due_on=due)
    assert set(caught.value.message_dict) == {"assignee"}
    with pytest.raises(ValidationError) as caught:
        services.action_add(
            **add, agency=world.jobcenter, assignee=world.users["jc"], text=" ", due_on=due - timedelta(days=30)
        )
    assert set(caught.value.message_dict) == {"text", "due_on"}
    assert not MeetingAction.objects.exists()
    action = services.action_add(
        **add, agency=world.jobcenter, assignee=world.users["jc"], text="Merkblatt", due_on=due
    )
    assert action.meeting_id == meeting.pk


def test_done_by_the_assignee_or_the_convener_only(world):
    meeting = plan(world)
    action = services.action_add(
        actor=world.users["sw"],
        side=world.side(),
        meeting_id=meeting.pk,
        agency=world.jobcenter,
        assignee=world.users["jc"],
        text="Merkblatt",
        due_on=timezone.localdate() + timedelta(days=7),
    )
    with pytest.raises(NotFound):
        services.action_set_done(actor=world.users["fb"], side=world.side("fb"), action_id=action.pk, done=True)
    action = services.action_set_done(actor=world.users["jc"], side=world.side("jc"), action_id=action.pk, done=True)
    assert action.done_at is not None and action.done_by == world.users["jc"]
    action = services.action_set_done(actor=world.users["sw"], side=world.side(), action_id=action.pk, done=False)
    assert action.done_at is None


def test_next_meeting_follows_up_the_last_one_and_reviews_its_open_actions(world):
    from networks.selectors import open_actions_before

    first = plan(world, days=2)
    services.action_add(
        actor=world.users["sw"],
        side=world.side(),
        meeting_id=first.pk,
        agency=world.counselling,
        assignee=world.users["fb"],
        text="Gruppenangebot vorstellen",
        due_on=timezone.localdate() + timedelta(days=5),
    )
    second = plan(world, days=30)
    assert second.previous == first
    assert [a.text for a in open_actions_before(second)] == ["Gruppenangebot vorstellen"]
    assert open_actions_before(first) == []


def test_cancel_tells_everybody_with_a_cancelled_ics(world):
    meeting = plan(world)
    services.meeting_cancel(actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk, version=meeting.version)
    told = Notification.objects.filter(kind="networks.cancelled", channel="email")
    assert told.count() == 4 and all("STATUS:CANCELLED" in n.attachment for n in told)
    with pytest.raises(ValidationError):
        plan(world, days=4, starts_at=None)


def test_agenda_and_actions_refuse_a_name_on_record_and_kept_names_are_logged(world):
    from audit.models import AccessLogEntry

    with override("de"), pytest.raises(ValidationError) as caught:
        plan(world, agenda=["Runde", "Wohnung für Frau Nowak"])
    assert "„Nowak“" in caught.value.message_dict["agenda"][0]
    assert not Meeting.objects.exists()
    meeting = plan(world, agenda=["Runde"])
    due = timezone.localdate() + timedelta(days=7)
    with override("de"), pytest.raises(ValidationError) as caught:
        services.action_add(
            actor=world.users["sw"],
            side=world.side(),
            meeting_id=meeting.pk,
            agency=world.jobcenter,
            assignee=world.users["jc"],
            text="Marta anrufen",
            due_on=due,
        )
    assert "„Marta“" in caught.value.message_dict["text"][0]
    assert not MeetingAction.objects.exists()
    meeting = begun(meeting)
    services.minutes_finalise(
        actor=world.users["sw"],
        side=world.side(),
        meeting_id=meeting.pk,
        text="Frau Nowak braucht",
        version=meeting.version,
        keep_names=True,
    )
    kept = AccessLogEntry.objects.get(object_type="network_minutes")
    assert kept.actor == world.users["sw"] and kept.object_ids == [meeting.pk]
