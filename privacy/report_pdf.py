"""The Art. 15 report as a PDF for the person: German, plain words, one section per kind of
record, the controller, the date and the request number on every page. It prints the
structure privacy.assembly built — nothing is read here."""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notlagen.dates import format_when
from notlagen.pdf import Document, plain
from payments.money import euros

# Letters the core fonts lack and that have no decomposition of their own.
_NO_DECOMPOSITION = str.maketrans({"ł": "l", "Ł": "L", "ı": "i", "đ": "d", "Đ": "D", "œ": "oe", "Œ": "OE", "ŋ": "ng"})


def latin(text) -> str:
    """Names like "Ağaoğlu" or "Łukasz" in the core fonts' Latin-1: letters written without
    their accents ("Agaoglu") instead of "?". The JSON keeps every character as stored."""
    result = []
    for char in str(text).translate(_NO_DECOMPOSITION):
        if ord(char) < 256 or plain(char) != "?":
            result.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256 and not unicodedata.combining(c))
        result.append(base or "?")
    return "".join(result)


class ReportDocument(Document):
    def __init__(self, report: dict):
        super().__init__(_("Information about your data"))
        self.report = report

    def heading(self, text: str, size: int = 14) -> None:
        super().heading(latin(text), size)

    def paragraph(self, text: str, bold: bool = False, size: float = 10.5) -> None:
        super().paragraph(latin(text), bold=bold, size=size)

    def field(self, label: str, value: str) -> None:
        super().field(latin(label), latin(value))

    def footer(self):
        self.set_y(-13)
        self.set_font("helvetica", "", 8)
        request = self.report["request"]
        line = _("%(controller)s · Request %(number)s · as of %(date)s · page %(page)s") % {
            "controller": request["controller"],
            "number": request["number"],
            "date": format_when(request["produced_at"]),
            "page": self.page_no(),
        }
        self.cell(0, 5, plain(latin(line)), align="C")

    def section(self, title: str, rows: list, explain: str = "") -> bool:
        """A heading, a short explanation, and "none" when the section is empty."""
        if self.get_y() > 240:
            self.add_page()
        self.ln(2)
        self.heading(title, 13)
        if explain:
            self.paragraph(explain, size=9.5)
        if not rows:
            self.paragraph(_("Nothing is stored about you here."), size=9.5)
        return bool(rows)

    def item(self, title: str, fields: list[tuple[str, object]]) -> None:
        self.paragraph(title, bold=True, size=10)
        for label, value in fields:
            if value not in (None, "", [], {}):
                self.field(label, _text(value))
        self.ln(1.5)


def _text(value) -> str:
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("label", ""))
    if hasattr(value, "year"):
        return format_when(value, "datetime" if hasattr(value, "hour") else "date")
    if value is True:
        return _("yes")
    return str(value)


def _intro(pdf: ReportDocument, report: dict) -> None:
    request, person = report["request"], report["person"]
    pdf.heading(_("Information about your data"))
    pdf.paragraph(
        _(
            "You asked us which data we store about you (Art. 15 of the General Data Protection Regulation, "
            "GDPR). This letter lists all of it: what we store, where it comes from, who received it and why, "
            "and who looked at it."
        )
    )
    pdf.field(_("Controller"), request["controller"])
    pdf.field(_("Request number"), request["number"])
    pdf.field(_("Your request arrived on"), format_when(request["received_on"]))
    pdf.field(_("As of"), format_when(request["produced_at"], "datetime"))
    pdf.ln(2)
    pdf.section(_("1. Your master data"), [person])
    name = " ".join(filter(None, [person["given_name"], person["family_name"]]))
    pdf.item(
        name or person["alias"],
        [
            (_("Alias"), person["alias"]),
            (_("Date of birth"), person["birth_date"]),
            (_("Gender"), person["gender_label"]),
            (_("Registered by"), person["registered_by"]),
            (_("Registered on"), person["registered_at"]),
            (_("Person number"), person["id"]),
        ],
    )


def _cases(pdf: ReportDocument, report: dict) -> None:
    explain = _("A case is the file in which an agency records your situation and the help you receive.")
    if pdf.section(_("2. Your cases"), report["cases"], explain):
        for c in report["cases"]:
            pdf.item(
                f"{_('Case')} {c['reference']}",
                [
                    (_("Agency responsible"), c["owning_agency"]),
                    (_("Status"), c["status_label"]),
                    (_("Reason for contact"), c["reason"]),
                    (_("Summary"), c["summary"]),
                    (_("District"), c["district"]),
                    (_("Opened on"), c["opened_at"]),
                    (_("Closed on"), c["closed_at"]),
                    (_("Reason for closing"), c["closed_reason"]),
                ],
            )
    for f in report["first_conversations"]:
        pdf.item(
            f"{_('First conversation')} ({_('case')} {f['case']})",
            [
                (_("Way of contact"), f["contact"]),
                (_("Urgency"), f["urgency"]),
                (_("Immediate help given"), f["immediate_help"]),
                (_("Agreed next steps"), f["next_steps"]),
                (_("Date"), f["started_at"]),
            ],
        )
    for h in report["households"]:
        pdf.item(
            f"{_('Household')} ({_('case')} {h['case']})",
            [
                (_("Adults"), h["adults"]),
                (_("Ages of the children"), h["children_ages"]),
                (_("Note"), h["household_note"]),
                (_("How you may be contacted"), h["contact_restrictions"]),
            ],
        )
    for a in report["life_areas"]:
        pdf.item(
            f"{a['area']} ({_('case')} {a['case']})",
            [(_("Need"), a["need"]), (_("Situation"), a["situation"]), (_("Note"), a["note"])],
        )


def _notes(pdf: ReportDocument, report: dict) -> None:
    explain = _("Notes the staff wrote in your cases, of every kind, with the agency that wrote them.")
    if pdf.section(_("3. Notes"), report["notes"], explain):
        for n in report["notes"]:
            written = format_when(n["written_at"], "datetime")
            title = f"{written} – {n['category_label']} – {n['agency']} ({_('case')} {n['case']})"
            pdf.paragraph(title, bold=True, size=9.5)
            pdf.paragraph(n["text"], size=10)
    if report["risk_assessments"]:
        pdf.heading(_("Assessments of your safety"), 11)
        for r in report["risk_assessments"]:
            pdf.item(
                f"{format_when(r['assessed_at'])} – {r['agency']}",
                [(_("Level"), r["level_label"]), (_("Professional judgement"), r["reasoning"])],
            )


def _plan(pdf: ReportDocument, report: dict) -> None:
    rows = report["case_plan"] + report["tasks"] + report["appointments"]
    if not pdf.section(_("4. Case plan, tasks and appointments"), rows):
        return
    for g in report["case_plan"]:
        steps = [f"{s['step']} ({s['who']})" for s in g["steps"]]
        pdf.item(
            f"{_('Goal')}: {g['goal']}",
            [(_("Life area"), g["area"]), (_("Status"), g["status_label"]), (_("Steps"), steps)],
        )
    for t in report["tasks"]:
        pdf.item(
            f"{_('Task')}: {t['task']}",
            [(_("Agency"), t["agency"]), (_("Due on"), t["due_on"]), (_("Done on"), t["done_at"])],
        )
    for a in report["appointments"]:
        pdf.item(
            f"{_('Appointment')}: {format_when(a['starts_at'], 'datetime')}",
            [
                (_("Place"), a["place"]),
                (_("With"), a["with_whom"]),
                (_("Note"), a["note"]),
                (_("Cancelled on"), a["cancelled_at"]),
            ],
        )


def _documents(pdf: ReportDocument, report: dict) -> None:
    explain = _("Files kept in your cases. You can ask for a copy of each file.")
    if pdf.section(_("5. Documents"), report["documents"], explain):
        for d in report["documents"]:
            pdf.item(
                d["title"],
                [
                    (_("File"), d["file_name"]),
                    (_("Uploaded on"), d["uploaded_at"]),
                    (_("Agency"), d["agency"]),
                    (_("Case"), d["case"]),
                ],
            )


def _withheld(pdf: ReportDocument, report: dict) -> None:
    """Art. 15(4) GDPR: the person learns that records were left out, and why."""
    if not report.get("withheld"):
        return
    pdf.heading(_("Records not included"), 11)
    count = len(report["withheld"])
    text = ngettext(
        "%(count)s record is not included because it also contains data of other persons, whose rights we "
        "must protect as well (Art. 15(4) GDPR). Reason:",
        "%(count)s records are not included because they also contain data of other persons, whose rights we "
        "must protect as well (Art. 15(4) GDPR). Reasons:",
        count,
    )
    pdf.paragraph(text % {"count": count}, size=9.5)
    for reason in sorted({w["reason"] for w in report["withheld"]}):
        pdf.paragraph(f"- {reason}", size=9.5)


def render(report: dict) -> bytes:
    from .report_pdf_sharing import sharing_sections

    with translation.override(settings.LANGUAGE_CODE):
        pdf = ReportDocument(report)
        pdf.add_page()
        _intro(pdf, report)
        _cases(pdf, report)
        _notes(pdf, report)
        _plan(pdf, report)
        _documents(pdf, report)
        _withheld(pdf, report)
        sharing_sections(pdf, report, money=euros)
        return pdf.render()
