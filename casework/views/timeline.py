"""The timeline of a case with its notes; notes are saved with htmx without reloading the page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access.case_access import case_access
from access.decide import refuse
from access.rules import Action
from cases import services as case_services
from cases.forms import NoteForm
from cases.views._helpers import apply_errors

from .. import selectors
from ._common import back_to, render_tab


def _note_form(access, data=None):
    writable = access.writable_categories("note")
    return NoteForm(data, categories=writable) if writable else None


def _partial(access, events, cursor, **extra) -> dict:
    """The context of the timeline's htmx fragments."""
    return {
        "case": access.case,
        "events": events,
        "cursor": cursor,
        "shows_case_text": access.allows(Action.CASE_TEXT_READ),
        **extra,
    }


@login_required
def timeline(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id)
    events, cursor = selectors.timeline_page(access=access, before=request.GET.get("vor"))
    if request.htmx and request.GET.get("vor"):
        return render(request, "casework/_timeline_entries.html", _partial(access, events, cursor))
    return render_tab(
        request,
        "casework/timeline.html",
        access,
        "timeline",
        events=events,
        cursor=cursor,
        note_form=_note_form(access),
    )


@login_required
@require_POST
def note_add(request, case_id: int):
    access = case_access(user=request.user, case_id=case_id)
    form = _note_form(access, request.POST)
    if form is None:
        refuse(request.user, Action.NOTE_ADD, access)
    if form.is_valid():
        try:
            case_services.note_add(actor=request.user, case=access, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if request.htmx:
                events, cursor = selectors.timeline_page(access=access)
                context = _partial(access, events, cursor, note_form=_note_form(access))
                return render(request, "casework/_timeline_with_form.html", context)
            messages.success(request, _("The note has been saved."))
            return back_to("timeline", access)
    events, cursor = selectors.timeline_page(access=access)
    if request.htmx:
        context = _partial(access, events, cursor, note_form=form)
        return render(request, "casework/_timeline_with_form.html", context, status=422)
    return render_tab(
        request, "casework/timeline.html", access, "timeline", status=400, events=events, cursor=cursor, note_form=form
    )
