"""Art. 15 report, who received the data and what was done: consents, grants (the recipients,
Art. 15(1)(c)), referrals, payments, case conferences, consultation contacts and bookings.
Only the person's own records; one query per kind; every record read logged.

Third parties stay out: a payment made to someone else (a landlord, an energy supplier) shows
that it went to a third party, never who, nor the account; guests of a conference are counted,
not named."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.models import AccessGrant, Consent
from conferences.models import Conference, Participant
from consultations.models import ConsultationBooking, ConsultationContact
from notlagen.dates import format_when
from payments.models import Payment
from referrals.models import Referral

from .reader import Reader


def _basis(consent, statute, *, emergency: bool = False) -> dict:
    """The legal basis of a transfer: the person's consent or a statute (§§ 67d ff. SGB X)."""
    if consent is not None:
        return {"kind": "consent", "label": _("Your consent of %(date)s") % {"date": format_when(consent.given_at)}}
    if statute is not None:
        return {"kind": "statute", "label": f"{statute.code} – {statute.title}"}
    if emergency:
        return {
            "kind": "emergency",
            "label": _("Emergency access (break-glass), checked by the data-protection officer"),
        }
    return {"kind": "", "label": ""}


def _consents(reader: Reader, person) -> list[dict]:
    rows = list(
        Consent.objects.filter(person_id=person.pk)
        .select_related("text", "recorded_by_agency")
        .prefetch_related("agencies")
        .order_by("given_at", "pk")
    )
    reader.read("consent", rows)
    return [
        {
            "id": c.pk,
            "given_at": c.given_at,
            "given_how": c.get_given_how_display(),
            "recorded_by": c.recorded_by_agency.name,
            "text": f"{c.text.title} ({_('version')} {c.text.version})",
            "agencies": sorted(a.name for a in c.agencies.all()),
            "scopes": c.scope_labels(),
            "purpose": c.purpose,
            "valid_until": c.valid_until,
            "withdrawn_at": c.withdrawn_at,
        }
        for c in rows
    ]


def _grants(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = list(
        AccessGrant.objects.filter(case_id__in=list(refs))
        .select_related("grantee_agency", "consent", "statute")
        .order_by("case_id", "valid_from", "pk")
    )
    reader.read("grant", rows, case_of=lambda g: g.case_id)
    return [
        {
            "case": refs[g.case_id],
            "agency": g.grantee_agency.name,
            "scope": g.scope,
            "scope_label": g.get_scope_display(),
            "purpose": g.purpose,
            "basis": _basis(g.consent, g.statute, emergency=g.is_break_glass),
            "valid_from": g.valid_from,
            "valid_until": g.valid_until,
            "revoked_at": g.revoked_at,
            "approval_label": g.get_approval_display(),
            "opened_access": g.approval in AccessGrant.IN_FORCE,
        }
        for g in rows
    ]


def _recipients(grants: list[dict]) -> list[dict]:
    """Art. 15(1)(c): every agency that received (or could see) the data, with basis and period."""
    by_agency: dict[str, dict] = {}
    for g in grants:
        if not g["opened_access"]:
            continue
        entry = by_agency.setdefault(g["agency"], {"agency": g["agency"], "grants": []})
        entry["grants"].append(
            {k: g[k] for k in ("case", "scope_label", "purpose", "basis", "valid_from", "valid_until", "revoked_at")}
        )
    return sorted(by_agency.values(), key=lambda r: r["agency"])


def _referrals(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = list(
        Referral.objects.filter(case_id__in=list(refs))
        .select_related("offer__provider", "referring_agency", "receiving_agency", "consent", "statute")
        .order_by("case_id", "created_at", "pk")
    )
    reader.read("referral", rows, case_of=lambda r: r.case_id)
    return [
        {
            "case": refs[r.case_id],
            "offer": r.offer.name,
            "provider": r.offer.provider.name,
            "referring_agency": r.referring_agency.name,
            "receiving_agency": r.receiving_agency.name if r.receiving_agency_id else "",
            "purpose": r.purpose,
            "scope_label": r.get_scope_display(),
            "basis": _basis(r.consent, r.statute),
            "message": r.message,
            "status_label": r.get_status_display(),
            "outcome_label": r.get_outcome_display() if r.outcome else "",
            "sent_at": r.sent_at,
            "answered_at": r.answered_at,
            "ended_at": r.ended_at,
        }
        for r in rows
    ]


def _payment_row(p: Payment, refs: dict[int, str]) -> dict:
    row = {
        "case": refs[p.case_id],
        "voucher": p.voucher_number,
        "kind_label": p.get_kind_display(),
        "purpose_label": p.get_purpose_display(),
        "amount": p.amount,
        "status_label": p.get_status_display(),
        "fund": p.fund.name,
        "agency": p.fund.agency.name,
        "requested_at": p.requested_at,
        "decided_at": p.decided_at,
        "paid_on": p.paid_on,
        "method_label": p.get_method_display(),
        "paid_to": "person" if p.payee_is_person else "third_party",
        "paid_to_label": _("to you") if p.payee_is_person else _("to a third party (for example your landlord)"),
    }
    if p.payee_is_person and p.iban:
        row["account"] = f"… {p.iban[-4:]}"
    if p.kind == "loan":
        row.update({"repaid": p.repaid, "written_off": p.written_off, "instalment": p.instalment})
    return row


def _payments(reader: Reader, refs: dict[int, str]) -> list[dict]:
    # Only the fields the report shows are loaded: a third party's name and account never are.
    rows = list(
        Payment.objects.filter(case_id__in=list(refs))
        .select_related("fund__agency")
        .defer("payee_name", "account_holder", "bic", "remittance", "justification", "decision_reason")
        .order_by("case_id", "requested_at", "pk")
    )
    reader.read("payment", rows, case_of=lambda p: p.case_id)
    return [_payment_row(p, refs) for p in rows]


def _conferences(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = list(
        Conference.objects.filter(case_id__in=list(refs))
        .select_related("convening_agency")
        .prefetch_related("guests")
        .order_by("case_id", "starts_at", "pk")
    )
    reader.read("conference", rows, case_of=lambda c: c.case_id)
    taking_part: dict[int, list[dict]] = {}
    participants = Participant.objects.filter(conference__case_id__in=list(refs)).select_related(
        "agency", "consent", "statute"
    )
    for p in participants.order_by("conference_id", "pk"):
        taking_part.setdefault(p.conference_id, []).append(
            {
                "agency": p.agency.name,
                "attendance_label": p.get_attendance_display(),
                "basis": _basis(p.consent, p.statute),
                "withdrawn": p.withdrawn_at is not None,
            }
        )
    return [
        {
            "case": refs[c.case_id],
            "title": c.title,
            "starts_at": c.starts_at,
            "status_label": c.get_status_display(),
            "convening_agency": c.convening_agency.name,
            "participants": taking_part.get(c.pk, []),
            "guests": len(c.guests.all()),
        }
        for c in rows
    ]


def _contacts(reader: Reader, refs: dict[int, str]) -> list[dict]:
    rows = list(
        ConsultationContact.objects.filter(case_id__in=list(refs))
        .select_related("agency", "location")
        .order_by("date", "pk")
    )
    reader.read("consultation_contact", rows, case_of=lambda c: c.case_id)
    contacts = [
        {
            "case": refs[c.case_id],
            "date": c.date,
            "agency": c.agency.name,
            "place": c.location.name,
            "topic_label": c.get_topic_display(),
            "outcome_label": c.get_outcome_display(),
        }
        for c in rows
    ]
    bookings = list(
        ConsultationBooking.objects.filter(case_id__in=list(refs)).select_related("hour__agency").order_by("date", "pk")
    )
    reader.read("consultation_booking", bookings, case_of=lambda b: b.case_id)
    booked = [
        {
            "case": refs[b.case_id],
            "date": b.date,
            "from": b.starts_at,
            "hour": b.hour.title,
            "agency": b.hour.agency.name,
        }
        for b in bookings
    ]
    return contacts, booked


def sharing(reader: Reader, person, refs: dict[int, str]) -> dict:
    grants = _grants(reader, refs)
    return {
        "consents": _consents(reader, person),
        "grants": grants,
        "recipients": _recipients(grants),
        "referrals": _referrals(reader, refs),
    }


def money_and_meetings(reader: Reader, refs: dict[int, str]) -> dict:
    contacts, bookings = _contacts(reader, refs)
    return {
        "payments": _payments(reader, refs),
        "conferences": _conferences(reader, refs),
        "consultation_contacts": contacts,
        "consultation_bookings": bookings,
    }
