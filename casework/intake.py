"""The steps of the first conversation and how a step's input is kept as a draft."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from .life_areas import LifeArea


@dataclass(frozen=True)
class Step:
    key: str
    label: object
    areas: tuple[str, ...] = ()


STEPS = (
    Step("anliegen", _("Reason")),
    Step("haushalt", _("Household")),
    Step("wohnen", _("Housing and money"), (LifeArea.HOUSING, LifeArea.INCOME, LifeArea.DEBTS)),
    Step("schutz", _("Residence, health, safety"), (LifeArea.RESIDENCE, LifeArea.HEALTH, LifeArea.SAFETY)),
    Step("alltag", _("Work, children, language"), (LifeArea.WORK, LifeArea.CHILDREN, LifeArea.LANGUAGE)),
    Step("einwilligung", _("Consent")),
    Step("abschluss", _("Help and next steps")),
)
STEP_BY_KEY = {step.key: step for step in STEPS}
# Fields never kept in a draft: the form's bookkeeping and files (a draft holds text only). The
# version is kept: a draft resumed after someone else saved the step is refused at submit (409)
# with the current state shown, instead of silently overwriting it.
_NOT_DRAFTED = {"csrfmiddlewaretoken", "action", "scan"}


def neighbours(key: str) -> tuple[Step | None, Step | None]:
    index = [s.key for s in STEPS].index(key)
    return (STEPS[index - 1] if index else None, STEPS[index + 1] if index + 1 < len(STEPS) else None)


# A draft keeps what was typed, as typed, with two limits: the database's JSON refuses NUL
# characters, and a draft is no place for more text than any field takes.
_DRAFT_VALUE_MAX = 20_000


def draft_from_post(post) -> dict[str, list[str]]:
    return {
        name[:100]: [value.replace("\x00", "")[:_DRAFT_VALUE_MAX] for value in values[:50]]
        for name, values in post.lists()
        if name not in _NOT_DRAFTED
    }


def initial_from_draft(form_class_fields, draft: dict[str, list[str]], prefix: str = "") -> dict:
    """Turn a step's draft back into a form's initial values (lists for multiple choices)."""
    initial = {}
    for name, field in form_class_fields.items():
        key = f"{prefix}-{name}" if prefix else name
        if key not in draft:
            # A browser sends no value for an unticked checkbox or an empty multiple choice: in
            # a kept draft their absence means "none", not "as saved".
            if draft and getattr(field.widget, "allow_multiple_selected", False):
                initial[name] = []
            elif draft and isinstance(field, forms.BooleanField):
                initial[name] = False
            continue
        values = draft[key]
        if getattr(field.widget, "allow_multiple_selected", False):
            initial[name] = values
        elif isinstance(field, forms.BooleanField):
            initial[name] = bool(values and values[0] not in ("", "off", "false"))
        else:
            initial[name] = values[0] if values else ""
    return initial
