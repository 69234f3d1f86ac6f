"""The printable consent form (PDF) for the person to sign, generated from the versioned consent
text with the agencies, scopes, purpose and period chosen in the conversation. Nothing is saved:
the consent is recorded when the signed form (or an oral consent with witness) is confirmed."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import Action
from cases.scopes import Scope
from notlagen.dates import format_when
from notlagen.pdf import Document, plain


def render(*, case, agencies, scopes, purpose: str, given_how: str, text, valid_until, witness: str = "") -> bytes:
    pdf = Document(_("Consent to the sharing of social data"))
    pdf.add_page()
    pdf.heading(_("Consent to the sharing of social data"))
    pdf.paragraph(f"{text.title} ({_('version')} {text.version})")
    pdf.paragraph(
        _("Person: %(name)s · Case number: %(reference)s · Owning agency: %(agency)s")
        % {"name": case.person.display_name, "reference": case.reference, "agency": case.owner_agency.name}
    )
    pdf.paragraph(text.body)
    pdf.heading(_("I agree that the following agencies may see my data:"), 11)
    for agency in agencies:
        pdf.paragraph(f"- {agency.name}")
    labels = dict(Scope.choices)
    pdf.heading(_("What may be shared:"), 11)
    for scope in scopes:
        pdf.paragraph(f"- {labels[scope]}")
    pdf.heading(_("For this purpose:"), 11)
    pdf.paragraph(purpose)
    pdf.paragraph(_("Valid until %(date)s.") % {"date": format_when(valid_until)}, bold=True)
    pdf.paragraph(
        _(
            "I can withdraw this consent at any time, for the future, without giving reasons and without "
            "disadvantage, in writing or orally at the agency above. Without my consent the data is shared only "
            "where a law allows it."
        )
    )
    pdf.ln(10)
    pdf.paragraph(_("Place, date") + " ______________________________")
    pdf.ln(6)
    pdf.paragraph(_("Signature of the person") + " ______________________________")
    if given_how == "oral":
        pdf.ln(6)
        pdf.paragraph(_("Given orally; witness: %(witness)s") % {"witness": witness} + " ____________________")
    pdf.ln(4)
    pdf.set_font("helvetica", "", 8)
    pdf.multi_cell(0, 4, plain(_("Printed on %(date)s") % {"date": format_when(timezone.now(), "datetime")}))
    return pdf.render()


def response_for(*, user, access, **fields) -> HttpResponse:
    """The PDF for the owning agency's worker who conducts the conversation; logged as printed."""
    access.require(Action.INTAKE_CONDUCT)
    case = access.case
    content = render(case=case, **fields)
    access.report(action="print", object_type="consent_form", object_ids=[case.pk], purpose=fields.get("purpose", ""))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="einwilligung-{case.reference}.pdf"'
    return response
