"""The demo's synthetic history (fixtures.demo_history): two years of cases, first conversations,
referrals, payments, conferences and consultation contacts, loaded on PostgreSQL (the suite's
database, once per module at a small size) and on SQLite (as `make demo` loads it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit import sealing
from audit import verification as log_verification
from audit.models import AccessLogEntry
from cases.access_sync import case_permissions_sync
from cases.demographics import AgeBand, Gender, age_band
from cases.models import Case, CaseGroupObjectPermission
from cases.selectors import cases_visible_to, my_open_cases
from casework.models import Intake, LifeAreaStatus
from conferences.models import Conference
from consultations.models import ConsultationContact
from fixtures import demo_data, demo_history
from fixtures import history_plan as plan
from fixtures.loader import load_demo_data
from payments import verification as journal_verification
from payments.models import Payment
from referrals.models import ENDED_STATES, Referral

from .conftest import world_for_the_module

ROOT = Path(__file__).resolve().parent.parent
SIZE = 600


def _build() -> dict:
    before = AccessLogEntry.objects.count()
    counts = load_demo_data(history_cases=SIZE)["history"]
    counts["log_entries"] = AccessLogEntry.objects.count() - before
    return counts


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    yield from world_for_the_module(django_db_blocker, _build)


def _history_cases():
    """The history: every case opened before today (the curated demo cases are today's)."""
    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return Case.objects.filter(created_at__lt=today_start)


def _quarter(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def test_the_history_has_the_size_asked_for_and_its_parts(history, db):
    assert history["cases"] == SIZE == _history_cases().count()
    assert history["payments"] > 20 and history["referrals"] > 100 and history["conferences"] > 3
    assert history["contacts"] > 100
    assert Intake.objects.filter(case__in=_history_cases(), status="completed").count() > SIZE * 0.9


def test_openings_spread_over_two_years_with_the_seasons(history, db):
    today = timezone.localdate()
    opened = [timezone.localtime(c).date() for c in _history_cases().values_list("created_at", flat=True)]
    assert min(opened) >= today - timedelta(days=731) and max(opened) < today
    per_quarter = Counter(_quarter(c) for c in _history_cases().values_list("created_at", flat=True))
    assert len(per_quarter) == 9  # eight whole quarters and the rest of the one two years back
    full = sorted(per_quarter.items())[1:-1]
    assert all(SIZE * 0.05 < count < SIZE * 0.25 for _q, count in full), per_quarter
    winter = sum(n for q, n in per_quarter.items() if q.endswith("Q1"))
    summer = sum(n for q, n in per_quarter.items() if q.endswith("Q3"))
    assert winter > summer * 1.2, per_quarter


def test_every_age_band_and_gender_appears_and_bands_are_at_opening(history, db):
    cases = list(_history_cases().select_related("person"))
    assert {c.age_band for c in cases} >= set(AgeBand.values)
    assert {c.person.gender for c in cases} >= {*Gender.values, ""}
    for case in cases:
        assert case.age_band == age_band(case.person.birth_date, timezone.localtime(case.created_at).date())


def test_some_district_quarter_cells_are_small_and_the_spread_is_uneven(history, db):
    cells = Counter(
        (district, _quarter(created))
        for district, created in _history_cases().values_list("district__name", "created_at")
        if district
    )
    assert any(n < 5 for n in cells.values()) and any(n >= 5 for n in cells.values())
    per_district = Counter(_history_cases().values_list("district__name", flat=True))
    assert per_district["Mitte"] > 5 * per_district["Roderbruch"]


def test_most_cases_are_closed_and_owned_by_the_desk(history, db):
    cases = _history_cases()
    closed = cases.filter(status=Case.Status.CLOSED)
    assert closed.count() > SIZE * 0.75
    assert not closed.filter(closed_at__isnull=True).exists() and not closed.filter(closed_reason="").exists()
    assert all(c.closed_at > c.created_at for c in closed)
    owners = Counter(cases.values_list("owner_agency__name", flat=True))
    desk = next(a["name"] for a in demo_data.AGENCIES if a["key"] == "notlagen")
    assert owners.most_common(1)[0][0] == desk and len(owners) >= 4


def test_first_conversations_follow_the_opening_with_uneven_needs(history, db):
    for intake in Intake.objects.filter(case__in=_history_cases()).select_related("case"):
        assert intake.case.created_at <= intake.started_at < intake.completed_at
        assert (intake.completed_at - intake.case.created_at).days <= 35
    needs = Counter(
        LifeAreaStatus.objects.filter(case__in=_history_cases(), need__in=["support", "urgent"]).values_list(
            "area", flat=True
        )
    )
    assert len(needs) == 9 and needs.most_common()[0][1] > 2 * needs.most_common()[-1][1]


def test_referrals_have_ended_with_varied_outcomes(history, db):
    referrals = Referral.objects.filter(case__in=_history_cases())
    assert not referrals.exclude(status__in=ENDED_STATES).exists()
    assert len(set(referrals.values_list("status", flat=True))) >= 3
    assert len(set(referrals.exclude(outcome="").values_list("outcome", flat=True))) >= 4
    assert len(set(referrals.values_list("offer__category", flat=True))) >= 6
    assert not Conference.objects.filter(case__in=_history_cases()).exclude(status="held").exists()


def test_a_referrals_first_contact_day_is_the_local_day_of_its_step(history, db):
    """first_contact_on is a day in Germany: a first contact at 00:30 local time (22:30 UTC the
    evening before) falls on the local day (review of issue 16: it took the UTC date)."""
    from referrals.models import Transition

    steps = Transition.objects.filter(referral__case__in=_history_cases(), to_status="first_contact")
    pairs = list(steps.values_list("at", "referral__first_contact_on"))
    assert len(pairs) > 50
    assert all(timezone.localtime(at).date() == day for at, day in pairs)


def test_the_payments_journal_verifies_and_no_history_payment_waits(history, db):
    result = journal_verification.run()
    assert result.ok, result.findings
    history_payments = Payment.objects.filter(case__in=_history_cases())
    assert set(history_payments.values_list("status", flat=True)) <= {"paid", "rejected", "withdrawn"}
    assert {"grant", "loan", "advance"} <= set(history_payments.values_list("kind", flat=True))
    assert all(p.export_id for p in history_payments.filter(status="paid"))


def test_the_access_log_verifies_with_few_entries_for_the_history(history, db):
    assert history["log_entries"] < 300  # the curated demo's entries and one per month and owner
    top = AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first()
    while sealing.seal_pending(up_to=top):
        pass
    result = log_verification.verify()
    assert result.ok, result.finding
    entry = AccessLogEntry.objects.filter(purpose__startswith=demo_history.PURPOSE).first()
    assert entry.channel == "command" and entry.case_ids


def test_nothing_of_the_history_is_dated_today_or_later(history, db):
    from cases.models import CaseEvent
    from payments.models import JournalEntry

    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    cases = _history_cases()
    assert not cases.filter(closed_at__gte=start).exists()
    assert not Intake.objects.filter(case__in=cases, completed_at__gte=start).exists()
    assert not CaseEvent.objects.filter(case__in=cases, at__gte=start).exists()
    assert not Referral.objects.filter(case__in=cases, updated_at__gte=start).exists()
    assert not Payment.objects.filter(case__in=cases, paid_on__gte=start.date()).exists()
    assert not JournalEntry.objects.filter(payment__case__in=cases, at__gte=start).exists()
    assert not Conference.objects.filter(case__in=cases, ends_at__gte=start - timedelta(days=6)).exists()
    hour_contacts = ConsultationContact.objects.filter(hour__title=demo_history.vocab.CONSULTATION_HOUR)
    assert not hour_contacts.filter(date__gte=start.date()).exists()


def test_the_curated_cases_lead_the_social_workers_lists(history, db):
    worker = User.objects.get(username="sozialarbeit")
    curated = set(Case.objects.exclude(pk__in=_history_cases()).values_list("pk", flat=True))
    visible = list(cases_visible_to(user=worker).values_list("pk", flat=True))
    leading = [pk for pk in visible if pk in curated]
    today_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    assert not _history_cases().filter(updated_at__gte=today_start).exists()
    assert len(visible) > SIZE * 0.5 and visible[: len(leading)] == leading
    assert {c.pk for c in my_open_cases(user=worker, limit=50)} <= curated


def test_permission_rows_are_those_the_sync_derives(history, db):
    cases = list(_history_cases().order_by("pk")[:20])
    before = set(CaseGroupObjectPermission.objects.filter(content_object__in=cases).values_list(
        "content_object_id", "group_id", "permission_id", "valid_from", "valid_until", "case_updated_at"
    ))  # fmt: skip
    for case in cases:
        case_permissions_sync(case)
    after = set(CaseGroupObjectPermission.objects.filter(content_object__in=cases).values_list(
        "content_object_id", "group_id", "permission_id", "valid_from", "valid_until", "case_updated_at"
    ))  # fmt: skip
    assert before == after and len(before) == 4 * len(cases)


def test_history_pages_answer(history, db):
    worker = User.objects.get(username="sozialarbeit")
    client = Client(HTTP_HOST="localhost")
    client.force_login(worker, backend="agencies.backends.RoleBackend")
    payment = Payment.objects.filter(case__in=_history_cases(), status="paid").select_related("case").first()
    case = payment.case
    for url in [
        f"/faelle/{case.pk}/",
        f"/faelle/{case.pk}/verlauf/",
        f"/faelle/{case.pk}/finanzielle-hilfe/",
        f"/faelle/{case.pk}/finanzielle-hilfe/{payment.pk}/",
        "/faelle/",
    ]:
        assert client.get(url).status_code == 200, url


def test_the_same_seed_and_day_draw_the_same_history(history, db):
    today = timezone.localdate()
    first = plan.Planner(demo_history.SEED, today).cases(SIZE)
    again = plan.Planner(demo_history.SEED, today).cases(SIZE)

    def figures(cases):
        return sorted((c.opened, c.owner, c.district, c.age_band, c.person.gender, c.closed, c.title) for c in cases)

    assert figures(first) == figures(again)
    # What was written is what was drawn.
    written = Counter(
        (timezone.localtime(created).date(), district or None, band)
        for created, district, band in _history_cases().values_list("created_at", "district__name", "age_band")
    )
    assert written == Counter((timezone.localtime(c.opened).date(), c.district, c.age_band) for c in first)
    contacts = ConsultationContact.objects.filter(hour__title=demo_history.vocab.CONSULTATION_HOUR)
    assert contacts.count() == history["contacts"]


def test_the_history_is_loaded_once(history, db):
    assert load_demo_data(history_cases=SIZE)["history"] == {}
    assert _history_cases().count() == SIZE


# On SQLite, as `make demo` loads it: twice from the same migrated database, the same figures.
SQLITE_SCRIPT = """
import json, django
django.setup()
from collections import Counter
from django.core.management import call_command
from audit import sealing, verification
from cases.models import Case
from payments import verification as journal
from payments.models import Payment
call_command("load_demo_data", "--history-cases", "300", "--quiet-logins", verbosity=0)
while sealing.seal_pending():
    pass
opened = Case.objects.values_list("created_at", flat=True)
print(json.dumps({
    "quarters": sorted(Counter(f"{c.year}-{(c.month - 1) // 3}" for c in opened).items()),
    "districts": sorted(Counter(str(d) for d in Case.objects.values_list("district__name", flat=True)).items()),
    "bands": sorted(Counter(Case.objects.values_list("age_band", flat=True)).items()),
    "payments": sorted(Counter(Payment.objects.values_list("status", "amount")).items(), key=str),
    "journal_ok": journal.run().ok,
    "log_ok": verification.verify().ok,
}, default=str))
"""


def _sqlite_env(path: Path, anchors: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NOTLAGEN_MODE": "demo",
        "DJANGO_SETTINGS_MODULE": "notlagen.settings",
        "DATABASE_URL": f"sqlite:///{path}",
        "CELERY_BROKER_URL": "memory://",
        "ACCESS_LOG_ANCHOR_FILE": str(anchors),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(ROOT),
    }


def test_the_history_loads_on_sqlite_the_same_twice(tmp_path):
    template = tmp_path / "migrated.sqlite3"
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT,
        env=_sqlite_env(template, tmp_path / "none.jsonl"),
        check=True,
        capture_output=True,
        timeout=300,
    )
    results = []
    for run in ("a", "b"):
        database = tmp_path / f"{run}.sqlite3"
        database.write_bytes(template.read_bytes())
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SQLITE_SCRIPT],
            cwd=ROOT,
            env=_sqlite_env(database, tmp_path / f"{run}-seals.jsonl"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    assert results[0] == results[1]
    assert results[0]["journal_ok"] and results[0]["log_ok"]
    assert len(results[0]["quarters"]) == 9
