"""The owning agency's side in the case workspace: the case's conferences and convening one
(the access layer decides; these views only ask)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from access.case_access import case_access
from access.rules import Action
from agencies.selectors import members_with_perm_in
from cases import selectors as case_selectors
from cases.views._helpers import apply_errors
from casework.views._common import render_tab
from notlagen.dates import format_when

from .. import selectors, services
from ..forms import PARTICIPANT_ROWS, ConveneForm, ParticipantForm


@login_required
def case_conferences(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.CONFERENCE_LIST)
    return render_tab(
        request,
        "conferences/case.html",
        access,
        "conferences",
        conferences=list(selectors.conferences_of_case(access)),
        can_convene=access.allows(Action.CONFERENCE_CONVENE) and access.case.status != "closed",
    )


def _apply(form, participant_forms, error: ValidationError) -> None:
    """Errors at participants.<n>.<field> go to that row's form; the rest to the main form."""
    rest = {}
    for key, texts in error.message_dict.items():
        parts = key.split(".")
        if (
            len(parts) == 3
            and parts[0] == "participants"
            and parts[1].isdigit()
            and int(parts[1]) < len(participant_forms)
        ):
            participant_forms[int(parts[1])].add_error(parts[2], texts)
        else:
            rest[key] = texts
    if rest:
        apply_errors(form, ValidationError(rest))


def _participant_forms(data, access, consents):
    agencies = selectors.invitable_agencies(access.case)
    return [
        ParticipantForm(data, prefix=f"p{n}", agencies=agencies, consents=consents) for n in range(PARTICIPANT_ROWS)
    ]


@login_required
def convene(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id, action=Action.CONFERENCE_CONVENE)
    consents = case_selectors.usable_consents_of(user=request.user, person=access.case.person)
    data = request.POST if request.method == "POST" else None
    previous = {c.pk: c for c in selectors.conferences_of_case(access)}
    choices = [(pk, f"{format_when(c.starts_at, 'datetime')} – {c.title}") for pk, c in previous.items()]
    chairs = members_with_perm_in(agency_id=access.case.owner_agency_id, perm="conferences.add_conference")
    initial = {"previous": request.GET.get("folgt") or None}
    form = ConveneForm(data, previous_choices=choices, chairs=chairs, initial=initial)
    rows = _participant_forms(data, access, consents)
    if data is not None and form.is_valid() and all(r.is_valid() for r in rows):
        participants = [
            {"prefix": f"participants.{n}.", **row} for n, r in enumerate(rows) if (row := r.row()) is not None
        ]
        try:
            conference = services.conference_convene(
                actor=request.user,
                case=access,
                participants=participants,
                guests=form.guest_rows(),
                agenda=form.lines("agenda"),
                previous=previous.get(form.cleaned_data.get("previous")),
                **{
                    k: form.cleaned_data.get(k)
                    for k in ("title", "purpose", "starts_at", "ends_at", "place", "video_link", "chair")
                },
            )
        except ValidationError as error:
            _apply(form, rows, error)
        else:
            messages.success(request, _("The conference has been convened and the agencies invited."))
            return redirect("conferences:detail", conference.pk)
    return render_tab(
        request,
        "conferences/convene.html",
        access,
        "conferences",
        status=400 if form.errors or any(r.errors for r in rows) else 200,
        form=form,
        participant_forms=rows,
        has_consents=bool(consents),
    )
