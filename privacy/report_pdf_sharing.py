"""The PDF's second half: consents, recipients, referrals, payments, conferences,
consultation hours, who looked at the data, and the person's rights."""

from __future__ import annotations

from django.utils.translation import gettext as _

from notlagen.dates import format_when


def _period(start, end, revoked=None) -> str:
    text = f"{format_when(start)} – {format_when(end)}"
    if revoked:
        text += " " + _("(ended early on %(date)s)") % {"date": format_when(revoked)}
    return text


def _consents_and_recipients(pdf, report: dict) -> None:
    explain = _("Your consents to sharing your data, and whether you withdrew them.")
    if pdf.section(_("6. Your consents"), report["consents"], explain):
        for c in report["consents"]:
            pdf.item(
                f"{_('Consent of')} {format_when(c['given_at'])}",
                [
                    (_("Agencies"), c["agencies"]),
                    (_("What may be shared"), c["scopes"]),
                    (_("Purpose"), c["purpose"]),
                    (_("Valid until"), c["valid_until"]),
                    (_("Withdrawn on"), c["withdrawn_at"]),
                ],
            )
    explain = _(
        "These agencies were allowed to see data from your cases: on the basis of your consent or of a law, "
        "for a purpose, for a time."
    )
    if pdf.section(_("7. Who received your data"), report["recipients"], explain):
        for r in report["recipients"]:
            pdf.paragraph(r["agency"], bold=True, size=10)
            for g in r["grants"]:
                pdf.field(_("Case"), g["case"])
                pdf.field(_("What"), g["scope_label"])
                pdf.field(_("Purpose"), g["purpose"])
                pdf.field(_("Legal basis"), g["basis"]["label"])
                pdf.field(_("Period"), _period(g["valid_from"], g["valid_until"], g["revoked_at"]))
                pdf.ln(1.5)


def _referrals(pdf, report: dict) -> None:
    if pdf.section(_("8. Referrals to other help offers"), report["referrals"]):
        for r in report["referrals"]:
            pdf.item(
                f"{r['offer']} ({r['provider']})",
                [
                    (_("Referred by"), r["referring_agency"]),
                    (_("Purpose"), r["purpose"]),
                    (_("What was shared"), r["scope_label"]),
                    (_("Legal basis"), r["basis"]),
                    (_("Message"), r["message"]),
                    (_("Status"), r["status_label"]),
                    (_("Outcome"), r["outcome_label"]),
                    (_("Sent on"), r["sent_at"]),
                ],
            )


def _payments(pdf, report: dict, money) -> None:
    if pdf.section(_("9. Financial help"), report["payments"]):
        for p in report["payments"]:
            pdf.item(
                f"{p['voucher']}: {money(p['amount'])} – {p['kind_label']}",
                [
                    (_("Purpose"), p["purpose_label"]),
                    (_("Status"), p["status_label"]),
                    (_("Paid from"), f"{p['fund']} ({p['agency']})"),
                    (_("Requested on"), p["requested_at"]),
                    (_("Paid on"), p["paid_on"]),
                    (_("How"), p["method_label"]),
                    (_("Paid"), p["paid_to_label"]),
                    (_("Account"), p.get("account")),
                    (_("Repaid"), money(p["repaid"]) if "repaid" in p else None),
                ],
            )


def _meetings(pdf, report: dict) -> None:
    if pdf.section(_("10. Case conferences"), report["conferences"]):
        for c in report["conferences"]:
            agencies = [f"{p['agency']} ({p['attendance_label']})" for p in c["participants"] if not p["withdrawn"]]
            pdf.item(
                f"{c['title']} – {format_when(c['starts_at'], 'datetime')}",
                [
                    (_("Convened by"), c["convening_agency"]),
                    (_("Agencies taking part"), agencies),
                    (_("Status"), c["status_label"]),
                    (_("Further guests"), c["guests"] or None),
                ],
            )
    rows = report["consultation_contacts"] + report["consultation_bookings"]
    if pdf.section(_("11. Consultation hours"), rows):
        for c in report["consultation_contacts"]:
            pdf.item(
                f"{format_when(c['date'])} – {c['agency']}, {c['place']}",
                [(_("Topic"), c["topic_label"]), (_("Outcome"), c["outcome_label"])],
            )
        for b in report["consultation_bookings"]:
            pdf.item(f"{format_when(b['date'])} {b['from']:%H:%M} – {b['hour']}", [(_("Agency"), b["agency"])])


def _access_log(pdf, report: dict) -> None:
    explain = _(
        "Every time someone opened, changed or passed on your data, our system recorded it. "
        "Here you see when, which agency, who (as recorded), what and for which purpose."
    )
    if not pdf.section(_("12. Who looked at your data"), report["access_log"], explain):
        return
    if not report["access_log_complete"]:
        pdf.paragraph(_("Only the most recent 5,000 accesses are listed; ask us for the rest."), size=9.5)
    pdf.set_font("helvetica", "", 8.5)
    for e in report["access_log"]:
        parts = [format_when(e["time"], "datetime"), e["agency"] or "–", e["who"], e["action_label"], e["record_label"]]
        line = " · ".join(parts) + (f" · {e['purpose']}" if e["purpose"] else "")
        pdf.paragraph(line, size=8.5)


def _rights(pdf) -> None:
    pdf.ln(3)
    pdf.heading(_("Your rights"), 12)
    pdf.paragraph(
        _(
            "If data is wrong, you can ask us to correct it (Art. 16 GDPR). You can ask us to erase data "
            "(Art. 17 GDPR) or to restrict its use (Art. 18 GDPR); where a law requires us to keep it, we tell "
            "you. You can complain to the data-protection supervisory authority (Art. 77 GDPR)."
        ),
        size=10,
    )


def sharing_sections(pdf, report: dict, *, money) -> None:
    _consents_and_recipients(pdf, report)
    _referrals(pdf, report)
    _payments(pdf, report, money)
    _meetings(pdf, report)
    _access_log(pdf, report)
    _rights(pdf)
