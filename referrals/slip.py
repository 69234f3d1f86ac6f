"""The referral slip (Vermittlungsschein): a page the person takes to the provider. It carries
what the referral itself transfers on its legal basis and nothing from the case: the person's
name and date of birth, the purpose, the urgency, the message written for the provider and whom
to call back; the provider's address, hours and contact help the person go. It is printed only
while the referral is open and its legal basis in force (views.work.slip_pdf)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from notlagen.dates import format_when
from notlagen.pdf import Document

from .models import OPEN_STATES, Referral
from .schedules import format_hours


def may_print(referral: Referral) -> bool:
    """Only an open referral whose legal basis is still in force is printed for the person."""
    if referral.status not in OPEN_STATES:
        return False
    consent = referral.consent
    return consent is None or (consent.withdrawn_at is None and consent.valid_until >= timezone.localdate())


def _provider_part(pdf: Document, referral: Referral) -> None:
    offer = referral.offer
    pdf.heading(_("Where to go"), size=12)
    pdf.field(_("Help offer"), offer.name)
    pdf.field(_("Provider"), offer.provider.name)
    for location in offer.locations.all():
        pdf.field(_("Address"), str(location))
        hours = format_hours(list(location.schedules.all()))
        if hours:
            pdf.field(_("Opening hours"), hours)
    for label, value in ((_("Telephone"), offer.phone or offer.provider.phone), (_("Mail"), offer.email)):
        if value:
            pdf.field(label, value)


def render(referral: Referral) -> bytes:
    person = referral.case.person
    worker = referral.created_by
    pdf = Document(_("Referral slip"))
    pdf.add_page()
    pdf.heading(_("Referral slip"))
    pdf.paragraph(referral.referring_agency.name)
    pdf.field(_("Case number"), referral.case.reference)
    pdf.field(_("Name"), " ".join(filter(None, [person.given_name, person.family_name])) or person.alias or "–")
    if person.birth_date:
        pdf.field(_("Date of birth"), format_when(person.birth_date))
    pdf.field(_("Purpose"), referral.purpose)
    pdf.field(_("Urgency"), referral.get_urgency_display())
    if referral.message:
        pdf.field(_("Message"), referral.message)
    pdf.ln(3)
    _provider_part(pdf, referral)
    pdf.ln(3)
    pdf.heading(_("Questions and feedback"), size=12)
    pdf.field(_("Referred by"), worker.get_full_name() or worker.username)
    pdf.field(_("Mail"), worker.email or "–")
    pdf.field(_("Date"), format_when(timezone.localdate()))
    pdf.ln(4)
    pdf.paragraph(
        _(
            "Please show this slip at your first visit. The provider may tell the referring agency "
            "that you came, if you agree."
        ),
        size=9,
    )
    return pdf.render()
