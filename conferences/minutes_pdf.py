"""The minutes as PDF: the conference, who attended, the minutes, decisions and actions."""

from __future__ import annotations

from django.utils.translation import gettext as _

from notlagen.dates import format_when
from notlagen.pdf import Document


def _name(user) -> str:
    return user.get_full_name() or user.username if user else "–"


def render(conference, *, participants, guests, decisions, actions) -> bytes:
    pdf = Document(_("Minutes of the case conference"))
    pdf.add_page()
    pdf.heading(_("Minutes of the case conference"))
    pdf.field(_("Case"), conference.case.reference)
    pdf.field(_("Title"), conference.title)
    pdf.field(_("Date"), f"{format_when(conference.starts_at, 'datetime')} – {format_when(conference.ends_at, 'time')}")
    pdf.field(_("Place"), conference.place or conference.video_link or "–")
    pdf.field(_("Chair"), _name(conference.chair))
    pdf.field(_("Purpose"), conference.purpose)
    pdf.heading(_("Participants"), 12)
    pdf.paragraph(f"{conference.convening_agency.name}: {_('convening agency')}")
    for p in participants:
        line = f"{p.agency.name}: {p.get_attendance_display()}"
        if p.representative:
            line += f" ({_name(p.representative)})"
        if p.sent_information:
            line += f", {_('sent information')}"
        pdf.paragraph(line)
    for g in guests:
        pdf.paragraph(f"{g.name} ({g.organisation or '–'}): {_('present') if g.present else _('guest')}")
    pdf.heading(_("Minutes"), 12)
    pdf.paragraph(conference.minutes or _("No minutes have been finalised yet."))
    if decisions:
        pdf.heading(_("Decisions"), 12)
        for n, d in enumerate(decisions, 1):
            pdf.paragraph(f"{n}. {d.text}")
    if actions:
        pdf.heading(_("Agreed actions"), 12)
        for a in actions:
            due = format_when(a.due_on) if a.due_on else "–"
            pdf.paragraph(f"{a.text} – {a.agency.name}, {_name(a.assignee)}, {_('due on')} {due}")
    pdf.paragraph(conference.confidentiality_text, size=8.5)
    return pdf.render()
