"""Retention beyond the case file: consultation-hour contacts lose their case link after their
own period (a held case keeps it); an erasure request after the budget-law period anonymises
the payments too and the journal still verifies; the Celery task and its beat entry; one run at
a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from audit.models import AccessLogEntry
from consultations.models import ConsultationContact
from payments import verification as journal
from payments.models import Payment
from retention import job, services
from retention.finance import PAYEE_PLACEHOLDER
from retention.tasks import run_retention

from .consultations_world import build_consultation_world
from .test_retention_world import build_retention_world, confirm_all, years_later

pytestmark = pytest.mark.django_db


def _contact(world, case, days_ago: int) -> ConsultationContact:
    hour = world.hours["walk_in"]
    return ConsultationContact.objects.create(
        hour=hour,
        agency=hour.agency,
        location=hour.location,
        date=timezone.localdate() - timedelta(days=days_ago),
        topic="sgb2_benefits",
        outcome="information",
        case=case,
        recorded_by=world.users["staff"],
    )


def test_consultation_contacts_lose_their_case_link_after_their_period(db):
    world = build_consultation_world()
    confirm_all(world.users["admin"])
    old = _contact(world, world.cases["own"], days_ago=3 * 365)
    recent = _contact(world, world.cases["own"], days_ago=30)
    held = _contact(world, world.cases["foreign"], days_ago=3 * 365)
    services.legal_hold_set(actor=world.users["city_lead"], case=world.cases["foreign"], reason="Prüfung")
    run = job.run()
    assert run.counts["consultations"] == 1
    old.refresh_from_db(), recent.refresh_from_db(), held.refresh_from_db()
    assert old.case_id is None and old.topic == "sgb2_benefits" and old.outcome == "information"
    assert recent.case_id == world.cases["own"].pk and held.case_id == world.cases["foreign"].pk


def test_an_erasure_after_the_budget_law_period_anonymises_the_payments(db):
    world = build_retention_world()
    with years_later(12):
        result = services.erase_person(actor=world.users["auditor"], person=world.person, reason="Antrag Art. 17")
    assert result["erased"]["payments"] == 1 and result["person_anonymised"] is True
    assert not [k for k in result["kept"] if k["kind"] == "payments"]
    assert Payment.objects.get(pk=world.payment.pk).payee_name == PAYEE_PLACEHOLDER
    assert journal.run().ok
    with pytest.raises(Exception, match="reason"):
        services.erase_person(actor=world.users["auditor"], person=world.person, reason="  ")


def test_the_daily_task_runs_the_job_on_the_job_channel_and_beat_has_it(db):
    world = build_retention_world()
    confirm_all(world.users["administrator"])
    assert django_settings.CELERY_BEAT_SCHEDULE["retention-daily"]["task"] == "retention.tasks.run_retention"
    with years_later(7):
        result = run_retention()
    assert result["cases"] == 1 and result["case_file"] == 1
    assert set(AccessLogEntry.objects.filter(object_type="retention_run").values_list("channel", flat=True)) == {"job"}


def test_only_one_run_at_a_time(db):
    from django.db import connections

    other = connections.create_connection("default")  # another worker, running the job
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [job._LOCK_KEY])
        with pytest.raises(job.RetentionBusy):
            job.run()
        assert run_retention() == {"busy": True}
    finally:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [job._LOCK_KEY])
        other.close()
    assert job.run().state == "done"


def test_a_case_changed_after_its_anonymisation_is_anonymised_again(db):
    from access.case_access import case_access
    from cases import services as case_services
    from cases.models import Case, CaseNote

    from .test_retention_world import close

    world = build_retention_world()
    confirm_all(world.users["administrator"])
    sw = world.users["social_worker"]
    with years_later(7):
        job.run()
        case = Case.objects.get(pk=world.case.pk)
        case_services.case_reopen(actor=sw, case=case, version=case.version)
        access = case_access(user=sw, case_id=case.pk, report=False)
        case_services.note_add(actor=sw, case=access, category="general", text="Neue Notiz nach Wiederaufnahme")
        close(case, sw)
    with years_later(14):
        run = job.run()
    assert run.counts["case_file"] == 1 and run.counts["notes_general"] == 1
    assert set(CaseNote.objects.filter(case=world.case).values_list("text", flat=True)) == {""}
    assert Case.objects.get(pk=world.case.pk).closed_reason == ""


def test_an_erasure_of_a_person_without_cases_anonymises_the_person(db):
    from cases import services as case_services
    from cases.models import Person

    world = build_retention_world()
    sw = world.users["social_worker"]
    person = case_services.person_register(
        actor=sw, agency=world.owner, given_name="Lena", family_name="Ohnefall", birth_date=None
    )
    result = services.erase_person(actor=world.users["auditor"], person=person, reason="Antrag")
    assert result == {"erased": {"person": 1}, "kept": [], "person_anonymised": True, "cases": 0}
    assert Person.objects.get(pk=person.pk).family_name == ""
    again = services.erase_person(actor=world.users["auditor"], person=person, reason="Antrag")
    assert again["erased"] == {} and again["person_anonymised"] is True
