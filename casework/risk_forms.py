"""The risk assessment's form: one radio question per checklist item, the level and the reason."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .risk import ITEMS, Answer, RiskLevel


class RiskAssessmentForm(forms.Form):
    level = forms.ChoiceField(
        label=_("Risk level"),
        choices=RiskLevel.choices,
        widget=forms.RadioSelect,
        help_text=_("The checklist suggests a level; your professional judgement may raise it, with a reason."),
    )
    reasoning = forms.CharField(
        label=_("Professional judgement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when you raise the level above the checklist's suggestion."),
    )
    seen_current = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        questions = {
            f"item_{item.code}": forms.ChoiceField(
                label=item.question, choices=Answer.choices, widget=forms.RadioSelect
            )
            for item in ITEMS
        }
        self.fields = {**questions, **self.fields}

    @staticmethod
    def initial_from(current) -> dict:
        """The form for a reassessment: the current answers and level, based on `current`."""
        if current is None:
            return {"seen_current": None}
        answers = {f"item_{code}": answer for code, answer in current.answers.items()}
        return {**answers, "level": current.level, "reasoning": current.reasoning, "seen_current": current.pk}

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "answers": {item.code: data[f"item_{item.code}"] for item in ITEMS},
            "level": data["level"],
            "reasoning": data["reasoning"],
            "seen_current_id": data["seen_current"],
        }
