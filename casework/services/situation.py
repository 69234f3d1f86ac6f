"""The household, the contact restrictions and the life areas of a case (owning agency)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from access.case_access import CaseAccess, access_for
from access.rules import Action
from cases.access_sync import case_touch

from ..life_areas import AREA_BY_CODE, ContactRestriction, Need
from ..models import Intake, LifeAreaStatus, Situation
from .intake import clear_draft

MAX_CHILD_AGE = 17
MAX_ADULTS = 20


class SituationConflict(Exception):
    def __init__(self, current: Situation):
        super().__init__("The situation was changed by someone else.")
        self.current = current


def parse_ages(children_ages) -> list[int]:
    """ "3, 7" -> [3, 7]. ASCII digits only: "²" passes str.isdigit() but is no age."""
    ages = []
    for part in str(children_ages or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not (part.isascii() and part.isdigit()) or int(part) > MAX_CHILD_AGE:
            raise ValidationError(
                {"children_ages": _("Please enter the ages of the children as numbers from 0 to 17, e.g. 3, 7.")}
            )
        ages.append(int(part))
    return sorted(ages)


def _apply_household(situation: Situation, *, adults, children_ages, household_note, contact_restrictions) -> dict:
    errors = {}
    if adults is not None:
        if not 0 <= adults <= MAX_ADULTS:
            errors["adults"] = _("Please enter a number from 0 to %(n)d.") % {"n": MAX_ADULTS}
        situation.adults = adults
    if children_ages is not None:
        try:
            situation.children_ages = parse_ages(children_ages)
        except ValidationError as error:
            errors.update(error.message_dict)
    if adults is not None and situation.adults == 0 and not situation.children_ages:
        errors["adults"] = _("A household has at least one person.")
    if household_note is not None:
        situation.household_note = household_note.strip()[:300]
    if contact_restrictions is not None:
        if not set(contact_restrictions) <= set(ContactRestriction.values):
            errors["contact_restrictions"] = _("Please choose from the list.")
        situation.contact_restrictions = sorted(set(contact_restrictions))
    return errors


@transaction.atomic
def situation_update(
    *,
    actor,
    case,
    version: int,
    adults: int | None = None,
    children_ages=None,
    household_note: str | None = None,
    contact_restrictions: list[str] | None = None,
    areas: dict[str, dict] | None = None,
    step: str = "",
) -> Situation:
    """Household, contact restrictions and life areas, refused if someone changed the situation
    since `version` was read. Only areas whose category the actor may read are written."""
    access = access_for(actor, case)
    access.require(Action.INTAKE_CONDUCT)
    case = access.case
    situation, _created = Situation.objects.select_for_update().get_or_create(case=case)
    if situation.version != version:
        raise SituationConflict(situation)
    errors = _apply_household(
        situation,
        adults=adults,
        children_ages=children_ages,
        household_note=household_note,
        contact_restrictions=contact_restrictions,
    )
    if errors:
        raise ValidationError(errors)
    situation.version += 1
    situation.save()
    for area, values in (areas or {}).items():
        _life_area_save(access, area, values)
    case_touch(case.pk)
    if step:
        clear_draft(Intake.objects.get(case=case), step)
    access.report(action="change", object_type="situation", object_ids=[situation.pk])
    return situation


def _life_area_save(access: CaseAccess, area: str, values: dict) -> None:
    spec = AREA_BY_CODE[area]
    access.require(Action.NOTE_READ, spec.category)
    if values.get("need") not in Need.values:
        raise ValidationError({f"{area}-need": _("Please choose the need.")})
    if values.get("situation") and values["situation"] not in dict(spec.situations):
        raise ValidationError({f"{area}-situation": _("Please choose from the list.")})
    LifeAreaStatus.objects.update_or_create(
        case=access.case,
        area=area,
        defaults={
            "category": spec.category,
            "need": values["need"],
            "situation": values.get("situation", ""),
            "flag": bool(values.get("flag")) and spec.flag_label is not None,
            "note": (values.get("note") or "").strip(),
        },
    )
