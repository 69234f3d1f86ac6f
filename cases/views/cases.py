"""Case list, creation with duplicate check, overview, edit with optimistic concurrency,
status changes and notes. Reads through cases.selectors, writes through cases.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.case_access import case_access
from access.decide import agency_for, may, refuse
from access.errors import NotFound
from access.rules import Action
from access.web import requires
from agencies.selectors import case_agencies_of, case_workers_of, members_with_perm_in

from .. import listing, selectors, services
from ..filters import CaseListFilterForm
from ..forms import (
    CaseCloseForm,
    CaseEditForm,
    CaseForExistingPersonForm,
    PersonCaseForm,
    RevealNameForm,
    VersionForm,
)
from ._helpers import apply_errors, create_after_duplicate_check, person_fields


@requires(Action.CASE_LIST)
def case_list(request):
    form = CaseListFilterForm(request.GET or None, workers=case_workers_of(user=request.user))
    if form.is_bound and not form.is_valid():
        page = listing.CaseListPage(cases=[], count=0, more_than_bound=False)
    else:
        page = listing.case_list_page(
            user=request.user,
            filters=form.list_filters() if form.is_bound else listing.CaseListFilters(),
            older=request.GET.get("nach"),
            newer=request.GET.get("vor"),
        )
    query = request.GET.copy()
    for cursor in ("nach", "vor"):
        query.pop(cursor, None)
    context = {
        "filter_form": form,
        "page": page,
        "query": query.urlencode(),
        "can_open": may(request.user, Action.CASE_OPEN) is not None,
        "can_start_intake": may(request.user, Action.INTAKE_START) is not None,
        "own_agency_ids": {a.pk for a in case_agencies_of(request.user)},
    }
    return render(request, "cases/case_list.html", context)


@requires(Action.CASE_OPEN)
def case_create(request):
    agency = agency_for(request.user, Action.CASE_OPEN)
    form = PersonCaseForm(request.POST or None)
    if request.method == "POST" and "person_id" in request.POST:
        return _create_for_existing_person(request, agency)

    def create(data):
        person = services.person_register(actor=request.user, agency=agency, **person_fields(data))
        return services.case_open(
            actor=request.user,
            agency=agency,
            person=person,
            title=data["title"],
            summary=data["summary"],
            district=data["district"],
        )

    case, duplicates = create_after_duplicate_check(request, form, create)
    if case is not None:
        messages.success(request, _("Case %(reference)s has been opened.") % {"reference": case.reference})
        return redirect("cases:detail", case.pk)
    return render(request, "cases/case_create.html", {"form": form, "duplicates": duplicates, "agency": agency})


def _create_for_existing_person(request, agency):
    form = CaseForExistingPersonForm(request.POST)
    if not form.is_valid():
        raise NotFound("person")
    person = selectors.person_get_for(user=request.user, person_id=form.cleaned_data["person_id"])
    # A person record of another agency, seen through a grant, answers NotFound (access.rules).
    case = services.case_open(
        actor=request.user,
        agency=agency,
        person=person,
        title=form.cleaned_data["title"],
        summary=form.cleaned_data["summary"],
        district=form.cleaned_data["district"],
    )
    messages.success(request, _("Case %(reference)s has been opened.") % {"reference": case.reference})
    return redirect("cases:detail", case.pk)


@login_required
def case_edit(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.CASE_CHANGE)
    case = access.case
    workers = members_with_perm_in(agency_id=case.owner_agency_id, perm="cases.view_case")
    initial = {
        "version": case.version,
        "title": case.title,
        "summary": case.summary,
        "district": case.district_id,
        "assigned_workers": [w.pk for w in case.assigned_workers.all()],
    }
    form = CaseEditForm(request.POST or None, initial=initial, workers=workers)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.case_update(
                actor=request.user,
                case=access,
                version=data["version"],
                title=data["title"],
                summary=data["summary"],
                district=data["district"],
                assigned_workers=data["assigned_workers"],
            )
        except services.ConcurrentEditError as error:
            conflict = error.current
            form.add_error(
                None,
                _(
                    "Someone else changed this case while you were editing. Your input is kept below; "
                    "please compare it with the current state and save again."
                ),
            )
            form.data = form.data.copy()
            form.data["version"] = str(conflict.version)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case has been saved."))
            return redirect("cases:detail", case.pk)
    return render(request, "cases/case_edit.html", {"case": case, "access": access, "form": form, "conflict": conflict})


@login_required
def case_close(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.CASE_CLOSE)
    case = access.case
    form = CaseCloseForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(
                actor=request.user,
                case=access,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except services.ConcurrentEditError:
            form.add_error(None, _("Someone else changed this case in the meantime. Please check it and try again."))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case has been closed."))
            return redirect("cases:detail", case.pk)
    return render(request, "cases/case_close.html", {"case": case, "access": access, "form": form})


@login_required
@require_POST
def case_status(request, case_id: int, transition: str):
    action, service = {
        "reopen": (Action.CASE_CLOSE, services.case_reopen),
        "activate": (Action.CASE_CHANGE, services.case_activate),
    }.get(transition, (None, None))
    if service is None:
        raise NotFound("case", case_id, "change")
    access = case_access(user=request.user, case_id=case_id, action=action)
    case = access.case
    form = VersionForm(request.POST)
    if not form.is_valid():
        raise NotFound("case", case_id, "change")
    try:
        service(actor=request.user, case=access, version=form.cleaned_data["version"])
    except services.ConcurrentEditError:
        messages.error(request, _("Someone else changed this case in the meantime. Please check it and try again."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The status of the case has been changed."))
    return redirect("cases:detail", case.pk)


@login_required
def person_detail(request, person_id: int):
    person = selectors.person_get_for(user=request.user, person_id=person_id)
    can_reveal = person.is_pseudonymous and may(request.user, Action.PERSON_CHANGE, person) is not None
    reveal_form = RevealNameForm(request.POST or None) if can_reveal else None
    if request.method == "POST":
        if reveal_form is None:
            refuse(request.user, Action.PERSON_CHANGE, person)
        if reveal_form.is_valid():
            try:
                services.person_reveal_name(actor=request.user, person=person, **reveal_form.cleaned_data)
            except ValidationError as error:
                apply_errors(reveal_form, error)
            else:
                messages.success(request, _("The name has been added; the record is no longer pseudonymous."))
                return redirect("cases:person", person.pk)
    context = {
        "person": person,
        "cases": selectors.cases_of_person_for(user=request.user, person=person),
        "can_manage_consent": may(request.user, Action.CONSENT_MANAGE, person) is not None,
        "reveal_form": reveal_form,
    }
    return render(request, "cases/person_detail.html", context)
