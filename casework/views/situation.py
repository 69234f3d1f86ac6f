"""Keeping the situation current after the first conversation, and handing the case over
(both the owning agency's)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from access.case_access import case_access
from access.rules import Action
from cases import services as case_services
from cases.models import Case
from cases.views._helpers import apply_errors

from .. import selectors, services
from ..forms import AreaForm, HandoverForm, HouseholdStepForm, RestrictionsForm
from ..life_areas import AREAS
from ..models import Situation
from ._common import conflict_for, render_tab


def _area_initial(status) -> dict:
    if status is None:
        return {"need": "unclear"}
    return {"need": status.need, "situation": status.situation, "flag": status.flag, "note": status.note}


def _situation_forms(access, data):
    situation, rows = selectors.situation_of(access=access)
    situation = situation or Situation(case=access.case)  # a case opened before the first conversation
    statuses = {row.spec.area: row.status for row in rows}
    household = HouseholdStepForm(
        data,
        initial={
            "version": situation.version,
            "adults": situation.adults,
            "children_ages": ", ".join(str(a) for a in situation.children_ages),
            "household_note": situation.household_note,
        },
    )
    restrictions = RestrictionsForm(
        data, initial={"version": situation.version, "contact_restrictions": situation.contact_restrictions}
    )
    areas = [
        AreaForm(data, spec=spec, initial=_area_initial(statuses.get(spec.area)))
        for spec in AREAS
        if spec.area in statuses
    ]
    return household, restrictions, areas


@login_required
def situation_edit(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.INTAKE_CONDUCT)
    household, restrictions, areas = _situation_forms(access, request.POST if request.method == "POST" else None)
    conflict = None
    if request.method == "POST" and all(f.is_valid() for f in [household, restrictions, *areas]):
        h = household.cleaned_data
        try:
            services.situation_update(
                actor=request.user,
                case=access,
                version=h["version"],
                adults=h["adults"],
                children_ages=h["children_ages"],
                household_note=h["household_note"],
                contact_restrictions=restrictions.cleaned_data["contact_restrictions"],
                areas={f.spec.area: f.cleaned_data for f in areas},
            )
        except services.SituationConflict as error:
            conflict = conflict_for(error, household)
        except ValidationError as error:
            apply_errors(household, error)
        else:
            messages.success(request, _("The situation has been saved."))
            return redirect("cases:detail", access.pk)
    return render_tab(
        request,
        "casework/situation_edit.html",
        access,
        "overview",
        status=200 if request.method == "GET" else (409 if conflict else 400),
        household=household,
        restrictions=restrictions,
        area_forms=areas,
        conflict=conflict,
    )


@login_required
def handover(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.CASE_HAND_OVER)
    colleagues = services.handover_colleagues(actor=request.user, case=access)
    form = HandoverForm(request.POST or None, colleagues=colleagues, initial={"version": access.case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_hand_over(actor=request.user, case=access, **form.cleaned_data)
        except case_services.ConcurrentEditError:
            form.add_error(None, _("Someone else changed this case in the meantime. Please check it and try again."))
            form.data = form.data.copy()
            form.data["version"] = str(Case.objects.values_list("version", flat=True).get(pk=access.pk))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case has been handed over."))
            return redirect("cases:detail", access.pk)
    return render_tab(request, "casework/handover.html", access, "overview", form=form)
