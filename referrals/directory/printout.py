"""The printed list of help offers for the person to take home, as PDF (the HTML version is the
template print.html): per offer its name, provider, addresses with opening hours, telephone,
languages, and whether it is free and anonymous. Nothing about the person is printed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils.translation import gettext as _

from notlagen.dates import format_when
from notlagen.pdf import Document

from ..models import Offer

_LINE = 6  # mm per printed line, to keep one offer on one page


def offer_lines(offer: Offer) -> list[tuple[str, str]]:
    """The labelled lines printed for one offer (described by selectors.describe)."""
    lines = [(_("Provider"), offer.provider.name), (_("Category"), offer.get_category_display())]
    for location in offer.locations.all():
        address = ", ".join(filter(None, [location.name, location.street, f"{location.postal_code} {location.city}"]))
        if location.wheelchair_accessible:
            address = _("%(address)s (wheelchair accessible)") % {"address": address}
        lines.append((_("Address"), address))
        if location.hours_text:
            lines.append((_("Opening hours"), location.hours_text))
    phone = offer.phone or offer.provider.phone
    if phone:
        lines.append((_("Telephone"), phone))
    email = offer.email or offer.provider.email
    if email:
        lines.append((_("Mail address"), email))
    if offer.language_labels:
        lines.append((_("Languages"), ", ".join(offer.language_labels)))
    terms = [_("free of charge") if offer.free_of_charge else _("costs may apply")]
    if offer.anonymous_possible:
        terms.append(_("anonymous counselling possible"))
    lines.append((_("Good to know"), ", ".join(terms)))
    return lines


def render(offers: Sequence[Offer], *, cut: bool, limit: int, today: date) -> bytes:
    pdf = Document(_("Help offers"))
    pdf.add_page()
    pdf.heading(_("Help offers"), size=16)
    pdf.paragraph(
        _("As of %(date)s. Opening hours can change: please call before you go.") % {"date": format_when(today)},
        size=9,
    )
    if cut:
        pdf.paragraph(
            _("Only the first %(limit)d offers are printed; narrow the search for the others.") % {"limit": limit},
            bold=True,
            size=9,
        )
    if not offers:
        pdf.paragraph(_("No offer matches the search."))
    for offer in offers:
        lines = offer_lines(offer)
        if pdf.get_y() + _LINE * (len(lines) + 2) > pdf.page_break_trigger:
            pdf.add_page()
        pdf.ln(3)
        pdf.heading(offer.name, size=12)
        for label, value in lines:
            pdf.field(label, value)
    return pdf.render()
