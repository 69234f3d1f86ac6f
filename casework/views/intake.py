"""The first conversation: start (search, duplicate check, new possibly pseudonymous record) and
the steps, each saved as a draft on every change and applied when submitted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.case_access import case_access
from access.decide import agency_for, require
from access.errors import NotFound
from access.rules import Action
from access.web import requires
from cases import selectors as case_selectors
from cases import services as case_services
from cases.forms import default_grant_end
from cases.models import ConsentText
from cases.views._helpers import apply_errors, create_after_duplicate_check, person_fields
from notlagen.dates import format_when

from .. import consent_pdf, selectors, services
from ..forms import (
    AreaForm,
    FinishStepForm,
    HouseholdStepForm,
    IntakeConsentForm,
    IntakeExistingPersonForm,
    IntakeStartForm,
    PersonSearchForm,
    ReasonStepForm,
    RestrictionsForm,
    VersionOnlyForm,
)
from ..intake import STEP_BY_KEY, STEPS, draft_from_post, initial_from_draft, neighbours
from ..life_areas import AREA_BY_CODE, LifeArea
from ..models import Intake
from ._common import conflict_for, workspace_context


@requires(Action.INTAKE_START)
def intake_start(request):
    agency = agency_for(request.user, Action.INTAKE_START)
    search = PersonSearchForm(request.GET or None)
    found = None
    if search.is_valid() and search.cleaned_data["q"]:
        found = case_selectors.persons_found_for(user=request.user, query=search.cleaned_data["q"])
    if request.GET.get("person") or request.POST.get("person_id"):
        chosen = case_selectors.person_get_for(
            user=request.user, person_id=request.POST.get("person_id") or request.GET.get("person")
        )
        # Only a record of the user's own agency: one seen through a grant stays the other's.
        require(request.user, Action.INTAKE_START_FOR_PERSON, chosen)
        return _start_for_person(request, agency, chosen)
    form = IntakeStartForm(request.POST or None)

    def create(data):
        person = case_services.person_register(actor=request.user, agency=agency, **person_fields(data))
        return services.intake_start(
            actor=request.user,
            agency=agency,
            person=person,
            title=data["title"],
            contact_channel=data["contact_channel"],
            urgency=data["urgency"],
            district=data["district"],
        )

    intake, duplicates = create_after_duplicate_check(request, form, create)
    if intake is not None:
        return redirect("casework:intake_step", intake.case_id, STEPS[0].key)
    context = {"agency": agency, "search": search, "found": found, "form": form, "duplicates": duplicates}
    return render(request, "casework/intake_start.html", context)


def _start_for_person(request, agency, person):
    form = IntakeExistingPersonForm(request.POST or None, initial={"person_id": person.pk})
    if request.method == "POST" and form.is_valid():
        try:
            intake = services.intake_start(
                actor=request.user,
                agency=agency,
                person=person,
                title=form.cleaned_data["title"],
                contact_channel=form.cleaned_data["contact_channel"],
                urgency=form.cleaned_data["urgency"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("casework:intake_step", intake.case_id, STEPS[0].key)
    return render(request, "casework/intake_person.html", {"agency": agency, "person": person, "form": form})


@login_required
@require_POST
def intake_begin(request, case_id: int):
    """Begin the first conversation on a case that was opened without one."""
    access = case_access(user=request.user, case_id=case_id, action=Action.INTAKE_CONDUCT)
    try:
        services.intake_begin(actor=request.user, case=access, contact_channel=request.POST.get("contact_channel", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("cases:detail", access.pk)
    return redirect("casework:intake_step", access.pk, STEPS[0].key)


def _intake_case(request, case_id, step_key: str):
    if step_key not in STEP_BY_KEY:
        raise NotFound("intake", case_id)
    access = case_access(user=request.user, case_id=case_id, action=Action.INTAKE_CONDUCT)
    intake = selectors.intake_of(access=access)
    if intake is None:
        raise NotFound("intake", case_id)
    return access, intake, STEP_BY_KEY[step_key]


def _build_forms(access, intake: Intake, step, data=None, files=None) -> dict:
    """The forms of a step: from the draft if one is kept, else from the saved records."""
    case = access.case
    draft = intake.draft.get(step.key, {}) if data is None else {}
    situation = selectors.situation_for(access=access)
    if step.key == "anliegen":
        initial = {
            "title": case.title,
            "summary": case.summary,
            "contact_channel": intake.contact_channel,
            "urgency": intake.urgency,
        }
        initial.update({"version": case.version, **initial_from_draft(ReasonStepForm.base_fields, draft)})
        return {"main": ReasonStepForm(data, initial=initial)}
    if step.key == "haushalt":
        initial = {
            "adults": situation.adults,
            "children_ages": ", ".join(str(a) for a in situation.children_ages),
            "household_note": situation.household_note,
        }
        initial.update({"version": situation.version, **initial_from_draft(HouseholdStepForm.base_fields, draft)})
        return {"main": HouseholdStepForm(data, initial=initial)}
    if step.areas:
        saved = selectors.life_area_statuses_of(access=access, areas=step.areas)
        main_class = RestrictionsForm if LifeArea.SAFETY in step.areas else VersionOnlyForm
        initial = {"contact_restrictions": situation.contact_restrictions}
        initial.update({"version": situation.version, **initial_from_draft(main_class.base_fields, draft)})
        areas = []
        for code in step.areas:
            spec = AREA_BY_CODE[code]
            if spec.category not in access.readable_categories:
                continue
            row = saved.get(code)
            area_initial = (
                {"need": row.need, "situation": row.situation, "flag": row.flag, "note": row.note} if row else {}
            )
            area_initial.update(initial_from_draft(AreaForm.base_fields, draft, prefix=code))
            areas.append(AreaForm(data, spec=spec, initial=area_initial))
        return {"main": main_class(data, initial=initial), "areas": areas}
    if step.key == "einwilligung":
        current_text = ConsentText.objects.filter(is_active=True).order_by("-created_at").first()
        initial = {"text": current_text, "valid_until": default_grant_end()}
        initial.update(initial_from_draft(IntakeConsentForm.base_fields, draft))
        return {"main": IntakeConsentForm(data, files, initial=initial, owner_agency=case.owner_agency)}
    initial = {"immediate_help": intake.immediate_help, "next_steps": intake.next_steps}
    initial.update(initial_from_draft(FinishStepForm.base_fields, draft))
    return {"main": FinishStepForm(data, initial=initial)}


@login_required
def intake_step(request, case_id: int, step: str):
    access, intake, step_obj = _intake_case(request, case_id, step)
    case = access.case
    if intake.status == Intake.Status.COMPLETED:
        messages.info(request, _("This first conversation has been completed; changes are made in the workspace."))
        return redirect("cases:detail", case.pk)
    previous, following = neighbours(step_obj.key)
    conflict = None
    if request.method == "POST":
        action = request.POST.get("action", "next")
        if action == "back":
            services.intake_draft_save(actor=request.user, case=access, step=step, data=draft_from_post(request.POST))
            return redirect("casework:intake_step", case.pk, previous.key if previous else step)
        forms = _build_forms(access, intake, step_obj, request.POST, request.FILES)
        if action == "skip" and step_obj.key == "einwilligung":
            return redirect("casework:intake_step", case.pk, following.key)
        valid = all(f.is_valid() for f in [forms["main"], *forms.get("areas", [])])
        if valid:
            try:
                result = _apply(request, access, step_obj, forms, action)
            except (case_services.ConcurrentEditError, services.SituationConflict) as error:
                conflict = conflict_for(error, forms["main"])
            except ValidationError as error:
                _apply_step_errors(forms, error)
            else:
                if result is not None:
                    return result
                if following is None:
                    messages.success(request, _("The first conversation has been completed."))
                    return redirect("cases:detail", case.pk)
                return redirect("casework:intake_step", case.pk, following.key)
        services.intake_draft_save(actor=request.user, case=access, step=step, data=draft_from_post(request.POST))
        status = 409 if conflict else 400
    else:
        forms = _build_forms(access, intake, step_obj)
        status = 200
    context = workspace_context(
        access,
        "intake",
        intake=intake,
        step=step_obj,
        steps=STEPS,
        step_number=[s.key for s in STEPS].index(step_obj.key) + 1,
        previous=previous,
        following=following,
        forms=forms,
        conflict=conflict,
        recorded_consents=selectors.consents_recorded_in(access=access, since=intake.started_at)
        if step_obj.key == "einwilligung"
        else (),
        saved_at=None,
    )
    return render(request, "casework/intake_step.html", context, status=status)


def _apply(request, access, step, forms, action):
    data = forms["main"].cleaned_data
    user = request.user
    case = access
    if step.key == "anliegen":
        services.intake_reason_save(
            actor=user,
            case=case,
            version=data["version"],
            title=data["title"],
            summary=data["summary"],
            contact_channel=data["contact_channel"],
            urgency=data["urgency"],
        )
    elif step.key == "haushalt":
        services.situation_update(
            actor=user,
            case=case,
            version=data["version"],
            adults=data["adults"],
            children_ages=data["children_ages"],
            household_note=data["household_note"],
            step=step.key,
        )
    elif step.areas:
        services.situation_update(
            actor=user,
            case=case,
            version=data["version"],
            contact_restrictions=data.get("contact_restrictions") if "contact_restrictions" in data else None,
            areas={f.spec.area: f.cleaned_data for f in forms["areas"]},
            step=step.key,
        )
    elif step.key == "einwilligung":
        fields = {k: data[k] for k in ("agencies", "scopes", "purpose", "given_how", "witness", "text", "valid_until")}
        if action == "pdf":
            return consent_pdf.response_for(user=user, access=access, **fields)
        services.intake_consent_give(actor=user, case=case, scan=data.get("scan"), **fields)
        services.intake_draft_save(actor=user, case=case, step=step.key, data={})
        messages.success(request, _("The consent has been recorded and the case shared accordingly."))
        return redirect("casework:intake_step", access.pk, step.key)
    else:
        services.intake_complete(
            actor=user, case=case, immediate_help=data["immediate_help"], next_steps=data["next_steps"]
        )
    return None


def _apply_step_errors(forms, error: ValidationError) -> None:
    """A service error names a field of the main form or "<area>-<field>" of an area form."""
    by_prefix = {f.prefix: f for f in forms.get("areas", [])}
    if not hasattr(error, "error_dict"):
        forms["main"].add_error(None, error.messages)
        return
    for key, texts in error.message_dict.items():
        prefix, _sep, name = key.partition("-")
        if prefix in by_prefix and name in by_prefix[prefix].fields:
            by_prefix[prefix].add_error(name, texts)
        elif key in forms["main"].fields:
            forms["main"].add_error(key, texts)
        else:
            forms["main"].add_error(None, texts)


@login_required
@require_POST
def intake_autosave(request, case_id: int, step: str):
    """htmx: keep what was typed so far (on every change, a second after typing stops)."""
    access, intake, _step = _intake_case(request, case_id, step)
    if intake.status != Intake.Status.DRAFT:
        raise NotFound("intake", case_id)
    services.intake_draft_save(actor=request.user, case=access, step=step, data=draft_from_post(request.POST))
    message = _("Draft saved at %(time)s") % {"time": format_when(timezone.now(), "seconds")}
    return HttpResponse(format_html('<span class="kern-body kern-body--small">{}</span>', message))
