"""The forms of the exchange page and the inventory: they parse input, the services decide."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ..vocabulary import TargetGroup
from .upload import MAX_UPLOAD_BYTES


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HSDS file (JSON or ZIP of CSV files)"),
        help_text=_("At most 5 MB, UTF-8. Offers not in the file stay as they are."),
        widget=forms.FileInput(attrs={"accept": ".json,.zip,application/json,application/zip"}),
        error_messages={"required": _("Please choose a file to import.")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than 5 MB and was not read."))
        return upload


class InventoryForm(forms.Form):
    municipality = forms.ChoiceField(label=_("Municipality"))
    target_group = forms.ChoiceField(
        label=_("Target group"),
        required=False,
        choices=[("", _("All target groups"))]
        + [(code, label) for code, label in TargetGroup.choices if code != TargetGroup.EVERYONE],
    )

    def __init__(self, *args, municipalities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].choices = [(name, name) for name in municipalities]
