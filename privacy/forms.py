from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Decision, IdentityDocument, Kind

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the person"),
        max_length=100,
        help_text=_("Name, date of birth (DD.MM.YYYY), person number or case number."),
    )


class OpenForm(forms.Form):
    person_id = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("What does the person ask for?"), choices=Kind.choices, widget=forms.RadioSelect)
    received_on = forms.DateField(
        label=_("Received on"),
        widget=DATE_INPUT,
        help_text=_("The answer is due one month later (Art. 12(3) GDPR)."),
    )
    identity_document = forms.ChoiceField(
        label=_("Identity checked with"), choices=[("", "–"), *IdentityDocument.choices]
    )
    identity_note = forms.CharField(
        label=_("Note on the identity check"),
        max_length=300,
        help_text=_(
            "For example: identity card seen at the desk, name and date of birth match. Never copy the document."
        ),
    )
    details = forms.CharField(
        label=_("What the person asks for, in their words"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate()


class DecideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person is told this reason. A refusal names the law it rests on."),
    )

    def __init__(self, *args, kind: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if kind == Kind.ACCESS:
            # An access request is answered with the report; here it can only be refused.
            self.fields["decision"].choices = [(Decision.REFUSED.value, Decision.REFUSED.label)]
        elif kind == Kind.ERASURE:
            self.fields["decision"].help_text = _(
                "Granting erases the person's data at once, except what a law requires us to keep."
            )


class ExtendForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the extension"),
        max_length=300,
        help_text=_("Possible once, by two months, where the request is complex or there are many requests."),
    )


class AnswerForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("How the report was handed over"),
        max_length=300,
        help_text=_("For example: handed over in person on 3 December, or sent by post."),
    )


class WithholdForm(forms.Form):
    """Art. 15(4) GDPR: a note or document left out of the person's copy, with the reason."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    record = forms.ChoiceField(label=_("Note or document"), choices=())
    reason = forms.CharField(
        label=_("Why it is withheld"),
        max_length=300,
        help_text=_("For example: names another person and what she told us (Art. 15(4) GDPR). The person is told."),
    )

    def __init__(self, *args, report: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        report = report or {}
        choices = [("", "–")]
        for n in report.get("notes", []):
            choices.append((f"note:{n['id']}", f"{_('Note')} {n['case']}, {n['category_label']}: {n['text'][:60]}"))
        for d in report.get("documents", []):
            choices.append((f"document:{d['id']}", f"{_('Document')} {d['case']}: {d['title']}"))
        self.fields["record"].choices = choices


class ReleaseForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    record = forms.CharField(max_length=40, widget=forms.HiddenInput)
