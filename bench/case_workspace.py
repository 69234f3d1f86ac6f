"""Case-workspace server time: the pages a social worker lives in, on a case with 200 notes,
50 tasks and 20 documents (plus the first conversation, appointments and a case plan), for the
owner and for a partner with the collaborate scope. Target: p95 <= 150 ms per page.

    python -m bench.case_workspace [--repeat 100]
"""

from __future__ import annotations

import argparse
import os
from datetime import timedelta

from .common import ROOT, bench_environment, measure, prepare_database, write_result

DATABASE = "notlagen_bench_workspace"
NOTES, TASKS, DOCUMENTS = 200, 50, 20
PDF = b"%PDF-1.4\n" + b"0" * 20_000 + b"\n%%EOF\n"


def build():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from access.case_access import case_access
    from accounts.models import User
    from agencies.models import Agency
    from agencies.roles import Role
    from agencies.services import membership_add
    from cases import grants, services
    from cases.models import Statute
    from casework import services as work

    owner = Agency.objects.create(name="Bench Hilfen in Notlagen", short_name="BENCH")
    partner = Agency.objects.create(name="Bench Beratungsstelle", kind=Agency.Kind.COUNSELLING_CENTRE)
    worker = User.objects.create_user("bench-sw", first_name="Sina", last_name="Sozial")
    colleague = User.objects.create_user("bench-sw2", first_name="Kai", last_name="Kollege")
    helper = User.objects.create_user("bench-partner", first_name="Pia", last_name="Partner")
    lead = User.objects.create_user("bench-lead", first_name="Lea", last_name="Leitung")
    for user, agency, role in (
        (lead, owner, Role.TEAM_LEAD),
        (worker, owner, Role.SOCIAL_WORKER),
        (colleague, owner, Role.SOCIAL_WORKER),
        (helper, partner, Role.PARTNER_STAFF),
    ):
        membership_add(user=user, agency=agency, role=role)
    statute = Statute.objects.create(code="§ 69 Abs. 1 Nr. 1 SGB X", title="Bench")
    person = services.person_register(actor=worker, agency=owner, alias="Bench")
    intake = work.intake_start(actor=worker, agency=owner, person=person, title="Bench", contact_channel="walk_in")
    case = case_access(user=worker, case_id=intake.case_id)
    grant = grants.grant_create(
        actor=worker,
        case=case,
        grantee_agency=partner,
        scope="collaborate",
        purpose="Bench",
        valid_until=timezone.now() + timedelta(days=30),
        statute=statute,
    )
    grants.grant_approve(actor=lead, grant=grant)
    case = case_access(user=worker, case_id=case.pk)
    work.situation_update(
        actor=worker,
        case=case,
        version=1,
        adults=1,
        children_ages="4, 7",
        contact_restrictions=["no_mail_home"],
        areas={
            code: {"need": "support", "situation": "", "note": "Notiz " * 20}
            for code in ("housing", "income", "debts", "residence", "health", "safety", "work", "children", "language")
        },
    )
    categories = ["general", "general", "health", "finances", "violence"]
    for i in range(NOTES):
        services.note_add(
            actor=worker, case=case, category=categories[i % 5], text=f"**Gespräch {i}**\n\n" + "Text " * 60
        )
    for i in range(TASKS):
        work.task_add(
            actor=worker,
            case=case,
            title=f"Aufgabe {i}",
            category="general",
            assignee=worker if i % 2 else colleague,
            due_on=timezone.localdate() + timedelta(days=i),
        )
    for i in range(DOCUMENTS):
        upload = SimpleUploadedFile(f"d{i}.pdf", PDF, content_type="application/pdf")
        work.document_add(actor=worker, case=case, title=f"Dokument {i}", category=categories[i % 5], upload=upload)
    for i in range(10):
        work.appointment_add(
            actor=worker,
            case=case,
            starts_at=timezone.now() + timedelta(days=i + 1),
            place="Rathaus",
            category="general",
        )
    for i in range(5):
        goal = work.goal_add(actor=worker, case=case, area="housing", title=f"Ziel {i}")
        for j in range(4):
            work.goal_step_add(actor=worker, case=case, goal=goal, text=f"Schritt {j}", responsible="person")
    work.intake_complete(actor=worker, case=case, immediate_help="Hilfe", next_steps="Schritte")
    return case.pk


def page_figures(case_id: int, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client

    from accounts.models import User

    pages = {
        "overview": f"/faelle/{case_id}/",
        "timeline": f"/faelle/{case_id}/verlauf/",
        "tasks": f"/faelle/{case_id}/aufgaben/",
        "documents": f"/faelle/{case_id}/dokumente/",
        "plan": f"/faelle/{case_id}/hilfeplan/",
    }
    result = {}
    for who in ("bench-sw", "bench-partner"):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(username=who))
        for name, url in pages.items():

            def run(url=url, client=client):
                response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)

            count = [0]

            def counter(execute, sql, params, many, context, count=count):
                count[0] += 1
                return execute(sql, params, many, context)

            with connection.execute_wrapper(counter):
                run()
            figures = measure(run, repeat=repeat)
            figures["queries"] = count[0]
            result[f"{'owner' if who == 'bench-sw' else 'partner_collaborate'}_{name}"] = figures
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    env = bench_environment(DATABASE)
    env["DOCUMENTS_ROOT"] = str(ROOT / "var" / "bench" / "documents")
    os.environ["DOCUMENTS_ROOT"] = env["DOCUMENTS_ROOT"]
    prepare_database(env, fresh=True)
    case_id = build()
    figures = page_figures(case_id, args.repeat)
    worst = max(v["p95_ms"] for v in figures.values())
    write_result(
        "case_workspace",
        {
            "notes": NOTES,
            "tasks": TASKS,
            "documents": DOCUMENTS,
            "target_p95_ms": 150,
            "worst_p95_ms": worst,
            "target_met": worst <= 150,
            "pages": figures,
        },
    )


if __name__ == "__main__":
    main()
