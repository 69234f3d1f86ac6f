"""Handing a case over to a colleague of the owning agency."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from access.case_access import access_for
from access.rules import Action
from agencies.selectors import members_with_perm_in
from cases import timeline
from cases.access_sync import case_touch
from cases.models import Case, Visibility
from cases.scopes import NoteCategory
from cases.services import ConcurrentEditError, note_add
from notifications.services import notify

from ._common import user_name


def handover_colleagues(*, actor, case):
    """Who may take the case over: members of the owning agency who may change cases."""
    case = getattr(case, "case", case)
    return members_with_perm_in(agency_id=case.owner_agency_id, perm="cases.change_case").exclude(pk=actor.pk)


@transaction.atomic
def case_hand_over(*, actor, case, version: int, to_user, note: str, stay_assigned: bool = False) -> Case:
    """Give the case to a colleague of the owning agency, with a handover note they will read
    first; the colleague is told through the outbox."""
    access = access_for(actor, case)
    access.require(Action.CASE_HAND_OVER)
    case = access.case
    errors = {}
    if to_user is None or not handover_colleagues(actor=actor, case=case).filter(pk=to_user.pk).exists():
        errors["to_user"] = _("Please choose a colleague of your agency.")
    if len(note.strip()) < 10:
        errors["note"] = _("Please write a handover note (at least 10 characters): what is open, what is urgent.")
    if errors:
        raise ValidationError(errors)
    updated = Case.objects.filter(pk=case.pk, version=version).update(version=F("version") + 1)
    if not updated:
        raise ConcurrentEditError(Case.objects.get(pk=case.pk))
    case_touch(case.pk)
    workers = set(case.assigned_workers.all())
    if not stay_assigned:
        workers.discard(actor)
    workers.add(to_user)
    case.assigned_workers.set(workers)
    if access.allows(Action.NOTE_ADD, NoteCategory.GENERAL):
        handover_note = _("Handover to %(name)s: %(note)s") % {"name": user_name(to_user), "note": note.strip()}
        note_add(actor=actor, case=access, category=NoteCategory.GENERAL, text=handover_note)
    timeline.record(
        case=case,
        kind="handover",
        visibility=Visibility.BASIC,
        actor=actor,
        agency_id=case.owner_agency_id,
        to=user_name(to_user),
    )
    notify(
        recipients=[to_user],
        kind="casework.handover",
        subject=gettext_lazy("Case %(reference)s was handed over to you"),
        params={"reference": case.reference},
        reference=case.reference,
        link=reverse("cases:detail", args=[case.pk]),
    )
    access.report(action="change", object_type="case", object_ids=[case.pk])
    return Case.objects.get(pk=case.pk)
