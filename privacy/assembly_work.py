"""Art. 15 report, the case workspace: first conversation, household, life areas, case plan,
tasks, appointments, documents (as a list) and risk assessments — of the person's own cases
only, one query per kind, every record read logged (privacy.reader)."""

from __future__ import annotations

from casework.life_areas import AREAS, ContactRestriction
from casework.models import (
    Appointment,
    Document,
    Goal,
    GoalStep,
    Intake,
    LifeAreaStatus,
    RiskAssessment,
    Situation,
    Task,
)

from .reader import Reader

_SPECS = {spec.area: spec for spec in AREAS}
_RESTRICTIONS = dict(ContactRestriction.choices)


def _intakes(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = reader.read("intake", list(Intake.objects.filter(case_id__in=list(refs))), case_of=lambda r: r.case_id)
    return [
        {
            "case": refs[i.case_id],
            "contact": i.get_contact_channel_display(),
            "urgency": i.get_urgency_display(),
            "immediate_help": i.immediate_help,
            "next_steps": i.next_steps,
            "status_label": i.get_status_display(),
            "started_at": i.started_at,
            "completed_at": i.completed_at,
        }
        for i in rows
    ]


def _situations(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = reader.read("situation", list(Situation.objects.filter(case_id__in=list(refs))), case_of=lambda r: r.case_id)
    return [
        {
            "case": refs[s.case_id],
            "adults": s.adults,
            "children_ages": list(s.children_ages or []),
            "household_note": s.household_note,
            "contact_restrictions": [str(_RESTRICTIONS.get(code, code)) for code in s.contact_restrictions or []],
        }
        for s in rows
    ]


def _life_areas(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = LifeAreaStatus.objects.filter(case_id__in=list(refs)).order_by("case_id", "area")
    rows = reader.read("life_area", list(rows), case_of=lambda r: r.case_id)
    return [
        {
            "case": refs[a.case_id],
            "area": a.get_area_display(),
            "need": a.get_need_display(),
            "situation": _SPECS[a.area].situation_display(a.situation) if a.area in _SPECS else a.situation,
            "note": a.note,
        }
        for a in rows
    ]


def _goals(reader: Reader, refs: dict[int, str]) -> list[dict]:
    goals = reader.read("goal", list(Goal.objects.filter(case_id__in=list(refs))), case_of=lambda r: r.case_id)
    steps: dict[int, list[dict]] = {}
    for step in GoalStep.objects.filter(goal__case_id__in=list(refs)).order_by("goal_id", "pk"):
        steps.setdefault(step.goal_id, []).append(
            {"step": step.text, "who": step.get_responsible_display(), "due_on": step.due_on, "done_at": step.done_at}
        )
    return [
        {
            "case": refs[g.case_id],
            "area": g.get_area_display(),
            "goal": g.title,
            "status_label": g.get_status_display(),
            "steps": steps.get(g.pk, []),
        }
        for g in goals
    ]


def _tasks(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = Task.objects.filter(case_id__in=list(refs)).select_related("agency")
    rows = reader.read("task", list(rows), case_of=lambda r: r.case_id)
    return [
        {"case": refs[t.case_id], "task": t.title, "agency": t.agency.name, "due_on": t.due_on, "done_at": t.done_at}
        for t in rows
    ]


def _appointments(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = Appointment.objects.filter(case_id__in=list(refs)).select_related("agency")
    rows = reader.read("appointment", list(rows), case_of=lambda r: r.case_id)
    return [
        {
            "case": refs[a.case_id],
            "starts_at": a.starts_at,
            "place": a.place,
            "with_whom": a.with_whom,
            "note": a.note,
            "agency": a.agency.name,
            "cancelled_at": a.cancelled_at,
        }
        for a in rows
    ]


def _documents(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = Document.objects.filter(case_id__in=list(refs)).select_related("agency").order_by("case_id", "uploaded_at")
    rows = reader.read("document", list(rows), case_of=lambda r: r.case_id)
    return [
        {
            "id": d.pk,
            "case": refs[d.case_id],
            "title": d.title,
            "file_name": d.original_name,
            "content_type": d.content_type,
            "size": d.size,
            "category_label": d.get_category_display(),
            "agency": d.agency.name,
            "uploaded_at": d.uploaded_at,
        }
        for d in rows
    ]


def _risk(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = RiskAssessment.objects.filter(case_id__in=list(refs)).select_related("agency")
    rows = reader.read("risk_assessment", list(rows), case_of=lambda r: r.case_id)
    return [
        {
            "case": refs[r.case_id],
            "assessed_at": r.assessed_at,
            "agency": r.agency.name,
            "level_label": r.get_level_display(),
            "reasoning": r.reasoning,
        }
        for r in rows
    ]


def casework(reader: Reader, refs: dict[int, str]) -> dict:
    return {
        "first_conversations": _intakes(reader, refs),
        "households": _situations(reader, refs),
        "life_areas": _life_areas(reader, refs),
        "case_plan": _goals(reader, refs),
        "tasks": _tasks(reader, refs),
        "appointments": _appointments(reader, refs),
        "documents": _documents(reader, refs),
        "risk_assessments": _risk(reader, refs),
    }
