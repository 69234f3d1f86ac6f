"""The retention job with time travel: what is past its period is anonymised and nothing else;
unconfirmed rules only preview; legal holds hold; a crash resumes without double work; the
access log and the payment journal stay verifiable; document files are gone."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Max
from django.test.utils import CaptureQueriesContext

from audit import sealing
from audit.models import AccessLogEntry
from audit.verification import verify
from cases.models import Case, CaseNote, Person
from casework.models import Document, Intake
from payments import verification as journal
from payments.models import Export, JournalEntry, Payment
from retention import job, services
from retention.erase import PERSON_PLACEHOLDER
from retention.finance import PAYEE_PLACEHOLDER
from retention.models import CaseRetention, Erasure, RetentionRun

from .test_retention_world import build_retention_world, close, confirm_all, years_later
from .world import open_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_retention_world()


def _file_of(document) -> Path:
    return Path(Document._meta.get_field("file").storage.path(document.file.name))


def _seal_everything():
    top = AccessLogEntry.objects.aggregate(m=Max("id"))["m"]
    while sealing.seal_pending(batch=50, up_to=top):
        pass


def test_nothing_happens_before_the_period_is_up_and_each_part_goes_on_its_own_period(world):
    confirm_all(world.users["administrator"])
    with years_later(2):
        run = job.run()
    assert run.counts == {} and not Erasure.objects.exists()
    with years_later(4):  # health and residence notes: 3 years; the rest of the case file: 6
        run = job.run()
    assert run.counts == {"cases": 1, "notes_health": 1, "notes_residence": 1}
    texts = dict(CaseNote.objects.filter(case=world.case).values_list("category", "text"))
    assert texts["health"] == texts["residence"] == "" and texts["general"].startswith("Notiztext-general")
    assert Case.objects.get(pk=world.case.pk).title == "Wohnungsnot"
    assert _file_of(world.document).exists()


def test_unconfirmed_rules_are_only_previewed(world):
    with years_later(6, days=-10):  # due within the next month
        run = job.run()
    assert world.case.reference in run.preview["cases"]
    assert run.preview["kinds"]["case_file"] == {"count": 1, "confirmed": False}
    assert world.other.reference not in run.preview["cases"]
    with years_later(7):
        job.run()
    assert Case.objects.get(pk=world.case.pk).title == "Wohnungsnot"
    assert not Erasure.objects.exists() and _file_of(world.document).exists()


def test_past_its_period_the_case_is_anonymised_and_nothing_else(world):
    confirm_all(world.users["administrator"])
    person_before = Person.objects.get(pk=world.person.pk)
    path = _file_of(world.document)
    with years_later(7):
        run = job.run()
    assert run.state == RetentionRun.State.DONE and run.counts["cases"] == 1
    case = Case.objects.get(pk=world.case.pk)
    assert (case.title, case.summary, case.closed_reason) == ("", "", "")
    assert (case.status, case.age_band, case.owner_agency_id) == ("closed", world.case.age_band, world.owner.pk)
    assert set(CaseNote.objects.filter(case=case).values_list("text", flat=True)) == {""}
    assert Intake.objects.get(case=case).immediate_help == ""
    person = Person.objects.get(pk=world.person.pk)
    assert person.alias == f"{PERSON_PLACEHOLDER} {person.pk}" and not person.family_name and not person.given_name
    assert person.birth_date is None and person.gender == person_before.gender
    assert not path.exists() and not Document.objects.filter(pk=world.document.pk).exists()
    # The budget-law period is not over: the payment keeps its payee.
    assert Payment.objects.get(pk=world.payment.pk).payee_name == "Stadtwerke Hannover AG"
    # The other person's open case is untouched.
    other = Case.objects.select_related("person").get(pk=world.other.pk)
    assert other.title == "Stromsperre" and other.person.family_name == "Yılmaz"
    # Logged on the job channel, with counts, naming the case.
    entry = AccessLogEntry.objects.filter(action="anonymise", object_type="retention_run").get()
    assert entry.channel == "job" and entry.case_ids == [case.pk] and "case_file=1" in entry.purpose
    assert AccessLogEntry.objects.filter(action="retention", object_type="retention_run", channel="job").exists()
    _seal_everything()
    assert verify().ok
    assert journal.run().ok


def test_payments_are_kept_until_budget_law_allows_then_the_journal_still_verifies(world):
    confirm_all(world.users["administrator"])
    with years_later(7):
        job.run()
    assert not CaseRetention.objects.filter(case_id=world.case.pk).exists()  # payments still to come
    entries_before = JournalEntry.objects.filter(payment=world.payment).count()
    with years_later(12):
        run = job.run()
    assert run.counts["payments"] == 1
    payment = Payment.objects.get(pk=world.payment.pk)
    assert (payment.payee_name, payment.account_holder, payment.remittance) == (PAYEE_PLACEHOLDER, "", "")
    assert payment.amount == 120 and payment.status == "paid" and payment.purpose == "arrears"
    assert JournalEntry.objects.filter(payment=payment).count() == entries_before + 1
    assert Export.objects.get(pk=world.export.pk).content in (b"", memoryview(b""))
    assert CaseRetention.objects.filter(case_id=world.case.pk).exists()
    result = journal.run()
    assert result.ok, result.findings
    with years_later(13):
        again = job.run()
    assert again.counts.get("payments", 0) == 0  # nothing twice


def test_a_legal_hold_holds_until_it_is_lifted(world):
    confirm_all(world.users["administrator"])
    lead = world.users["team_lead"]
    services.legal_hold_set(actor=lead, case=world.case, reason="Klage vor dem Sozialgericht anhängig")
    with years_later(7):
        run = job.run()
        assert run.preview.get("cases_total", 0) == 0
    assert Case.objects.get(pk=world.case.pk).title == "Wohnungsnot"
    assert Person.objects.get(pk=world.person.pk).family_name == "Nowak"
    assert _file_of(world.document).exists()
    services.legal_hold_lift(actor=lead, case=world.case, reason="Verfahren abgeschlossen")
    with years_later(7, days=5):
        job.run()
    assert Case.objects.get(pk=world.case.pk).title == ""
    assert AccessLogEntry.objects.filter(object_type="legal_hold").count() == 2


def test_a_crash_mid_run_resumes_without_double_work(world):
    confirm_all(world.users["administrator"])
    sw = world.users["social_worker"]
    second = close(open_case(sw, family_name="Schulz", given_name="Jonas", title="Räumungsklage"), sw)
    with years_later(7):
        with pytest.raises(RuntimeError, match="simulated crash"):
            job.run(batch_size=1, fail_in_batch=2)
        crashed = RetentionRun.objects.get()
        assert crashed.state == RetentionRun.State.FAILED and crashed.cursor == world.case.pk
        assert Case.objects.get(pk=world.case.pk).title == ""
        assert Case.objects.get(pk=second.pk).title == "Räumungsklage"  # the crashed batch rolled back
        resumed = job.run(batch_size=1)
    assert resumed.pk == crashed.pk and resumed.state == RetentionRun.State.DONE
    assert resumed.counts["cases"] == 2 and resumed.counts["case_file"] == 2
    assert Case.objects.get(pk=second.pk).title == ""
    assert Erasure.objects.filter(kind="case_file").count() == 2
    logged = AccessLogEntry.objects.filter(action="anonymise").values_list("case_ids", flat=True)
    assert sorted(logged) == [[world.case.pk], [second.pk]]


@pytest.mark.parametrize("extra", [0, 20])
def test_queries_per_batch_do_not_grow_with_the_batch(world, extra):
    confirm_all(world.users["administrator"])
    sw = world.users["social_worker"]
    for i in range(extra):
        close(open_case(sw, family_name=f"Becker{i}", given_name="Eva", title="Mietschulden"), sw)
    with years_later(7), CaptureQueriesContext(connection) as queries:
        run = job.run(batch_size=100)
    assert run.counts["cases"] == 1 + extra and run.batches == 1
    # Preview, one batch and the end: the same fixed number for 1 case and for 21 (66 today).
    assert len(queries) <= 70, len(queries)


def test_erasure_on_request_respects_holds_and_budget_law(world):
    sw, lead = world.users["social_worker"], world.users["team_lead"]
    held = open_case(sw, family_name="Nowak", given_name="Marta", title="Gewaltschutz")
    Case.objects.filter(pk=held.pk).update(person=world.person)
    services.legal_hold_set(actor=lead, case=held, reason="Strafverfahren anhängig")
    result = services.erase_person(actor=world.users["auditor"], person=world.person, reason="Antrag vom 1.12.")
    assert result["cases"] == 1 and result["erased"]["case_file"] == 1
    assert result["person_anonymised"] is False  # the held case still names the person
    kinds = {item["kind"]: item for item in result["kept"]}
    assert kinds["legal_hold"]["cases"] == [held.reference]
    assert kinds["payments"]["count"] == 1 and "Haushaltsrecht" in kinds["payments"]["reason"]
    assert Case.objects.get(pk=world.case.pk).title == "" and Case.objects.get(pk=held.pk).title == "Gewaltschutz"
    assert not _file_of(world.document).exists()
    entry = AccessLogEntry.objects.get(action="erase", object_type="person")
    assert entry.person_ids == [world.person.pk] and entry.case_ids == [world.case.pk]
    # Without the hold, a second request anonymises the person too.
    services.legal_hold_lift(actor=lead, case=held, reason="Verfahren eingestellt")
    again = services.erase_person(actor=world.users["auditor"], person=world.person, reason="Antrag vom 1.12.")
    assert again["person_anonymised"] is True and again["cases"] == 2
    assert again["erased"]["case_file"] == 1  # only the formerly held case: nothing twice
    person = Person.objects.get(pk=world.person.pk)
    assert person.family_name == "" and person.birth_date is None
    # The payment is within its budget-law period: kept as it was, the journal untouched.
    assert Payment.objects.get(pk=world.payment.pk).payee_name == "Stadtwerke Hannover AG"
    assert journal.run().ok
