"""Retention pages: the rules (administrators), the review of the preview and the runs (the
data-protection officer, who may also place a legal hold by case number), and a case's legal
hold (its team lead). Every decision is access.decide's; the views parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from access import events
from access.case_access import case_access
from access.errors import NotFound
from access.rules import Action
from access.web import requires
from cases.views._helpers import apply_errors

from . import selectors, services
from .forms import HoldByNumberForm, HoldForm, HoldLiftByNumberForm, LiftForm, RuleForm
from .kinds import CASE_FILE, PERSON, RecordKind
from .models import RetentionRule


@requires(Action.RETENTION_RULES)
def rules(request):
    return render(
        request,
        "retention/rules.html",
        {"rules": selectors.rules_for_page(), "access_log_years": selectors.access_log_years()},
    )


def _rule_asked_for(request) -> RetentionRule:
    raw = request.POST.get("rule") if request.method == "POST" else request.GET.get("regel")
    # "²" or "٣" are digits to str.isdigit() but no number to int() (or not ours): not found.
    number = raw if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    rule = RetentionRule.objects.filter(pk=int(number)).first() if number else None
    if rule is None:
        events.denied(actor=request.user, object_type="retention_rule", object_id=int(number) if number else None)
        raise NotFound("retention_rule", None)
    return rule


@requires(Action.RETENTION_RULES)
def rule_edit(request):
    rule = _rule_asked_for(request)
    initial = {"years": rule.years, "months": rule.months, "legal_basis": rule.legal_basis}
    form = RuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_change(actor=request.user, rule=rule, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The retention period has been saved."))
            return redirect("retention:rules")
    return render(request, "retention/rule_edit.html", {"rule": rule, "form": form})


@requires(Action.RETENTION_REVIEW)
def review(request):
    run = selectors.latest_preview_run()
    lifting = request.method == "POST" and "lift_reference" in request.POST
    form = HoldByNumberForm(None if lifting else (request.POST or None))
    lift_form = HoldLiftByNumberForm(request.POST if lifting else None)
    if lifting:
        done = _hold_by_number(
            request,
            lift_form,
            field="lift_reference",
            act=lambda case: services.legal_hold_lift(
                actor=request.user, case=case, reason=lift_form.cleaned_data["lift_reason"]
            ),
            message=_("The legal hold on case %(reference)s is lifted."),
        )
    else:
        done = request.method == "POST" and _hold_by_number(
            request,
            form,
            field="reference",
            act=lambda case: services.legal_hold_set(
                actor=request.user, case=case, reason=form.cleaned_data["reason"], by_officer=True
            ),
            message=_("The legal hold on case %(reference)s is set."),
        )
    if done:
        return redirect("retention:review")
    holds = selectors.active_holds()
    # The page names case numbers (the preview's and the holds'): a read, logged.
    events.report(
        actor=request.user,
        action="view",
        object_type="retention_run",
        object_ids=[run.pk] if run else [],
        case_ids=[hold.case_id for hold in holds] + list((run.preview.get("case_ids") or []) if run else []),
    )
    preview = run.preview if run else {}
    kinds = [(_label(kind), row["count"], row["confirmed"]) for kind, row in sorted(preview.get("kinds", {}).items())]
    runs = [
        (item, [(_label(kind), n) for kind, n in sorted(item.counts.items()) if kind != "cases"])
        for item in selectors.recent_runs()
    ]
    context = {"run": run, "preview": preview, "kinds": kinds, "runs": runs, "holds": holds}
    return render(request, "retention/review.html", {**context, "form": form, "lift_form": lift_form})


def _hold_by_number(request, form, *, field: str, act, message: str) -> bool:
    """Set or lift a hold on the case named by its number in `field` (the officer's forms)."""
    if not form.is_valid():
        return False
    case = selectors.case_by_reference(form.cleaned_data[field])
    if case is None:
        form.add_error(field, _("There is no case with this number."))
        return False
    try:
        act(case)
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, message % {"reference": case.reference})
    return True


def _label(kind: str) -> str:
    if kind in RecordKind.values:
        return str(RecordKind(kind).label)
    return {CASE_FILE: _("Case file"), PERSON: _("Persons")}.get(kind, kind)


@login_required
def case_hold(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.LEGAL_HOLD_SET)
    holds = selectors.holds_of(access.pk)
    active = next((hold for hold in holds if hold.lifted_at is None), None)
    form = (LiftForm if active else HoldForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        service = services.legal_hold_lift if active else services.legal_hold_set
        try:
            service(
                actor=request.user,
                case=access.case,
                reason=form.cleaned_data.get("lift_reason") or form.cleaned_data.get("reason"),
                agency_id=access.acting_agency_id,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The legal hold has been lifted.") if active else _("The legal hold is set."))
            return redirect("retention:hold", access.pk)
    context = {"case": access.case, "access": access, "holds": holds, "active": active, "form": form}
    return render(request, "retention/case_hold.html", context)
