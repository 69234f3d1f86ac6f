"""Financial help: funds with a budget per year, payment requests on cases (grant, loan,
advance), their exports (SEPA credit transfer files, cash-desk vouchers) and the journal.

Guarantees held by the database itself (migration 0002), not only by the services:
- a budget can never be overdrawn: committed + paid <= allocated is a check constraint, and the
  services reserve with a conditional UPDATE that PostgreSQL re-evaluates under the row lock;
- four eyes: the approver of a payment (and of a loan's write-off) is never its requester;
- the journal is append-only (UPDATE, DELETE and TRUNCATE refused by triggers)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from access.reporting import ReportingQuerySet
from agencies.models import Agency
from cases.models import Case

MONEY = {"max_digits": 12, "decimal_places": 2}
ZERO = Decimal("0.00")


class Kind(models.TextChoices):
    GRANT = "grant", _("One-off grant (Beihilfe)")
    LOAN = "loan", _("Loan (Darlehen)")
    ADVANCE = "advance", _("Advance on an expected benefit (§ 42 SGB I)")


class Purpose(models.TextChoices):
    LIVING = "living", _("Living costs")
    FOOD = "food", _("Food")
    ARREARS = "arrears", _("Rent or energy arrears")
    SHELTER = "shelter", _("Accommodation")
    TRAVEL = "travel", _("Travel costs")
    CLOTHING = "clothing", _("Clothing")
    OTHER = "other", _("Other")


class Method(models.TextChoices):
    TRANSFER = "transfer", _("SEPA credit transfer")
    CASH = "cash", _("Cash at the city cash desk")


class Fund(models.Model):
    """A pot of money an agency pays emergency help from, e.g. "Notfallfonds OE 50.25"."""

    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="funds")
    name = models.CharField(_("name"), max_length=120)
    budget_line = models.CharField(_("budget line"), max_length=60, help_text=_("Haushaltsstelle / Produktkonto"))
    per_payment_limit = models.DecimalField(_("limit per payment (EUR)"), **MONEY)
    kinds = models.JSONField(_("kinds of help"), default=list, help_text=_("grant, loan and/or advance"))
    active = models.BooleanField(_("open for new requests"), default=True)
    cash_desk = models.CharField(_("paying cash desk"), max_length=120, blank=True)
    # The account the city pays from: the debtor of the SEPA file.
    debtor_name = models.CharField(_("account holder (payer)"), max_length=70)
    debtor_iban = models.CharField(_("IBAN (payer)"), max_length=34)
    debtor_bic = models.CharField(_("BIC (payer)"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["agency", "name"]
        constraints = [models.CheckConstraint(condition=Q(per_payment_limit__gt=0), name="fund_limit_positive")]

    def __str__(self) -> str:
        return self.name

    def allows(self, kind: str) -> bool:
        return kind in (self.kinds or [])


class Budget(models.Model):
    """A fund's money for one calendar year. `committed` is approved and not yet paid; both
    move only through the services' conditional updates."""

    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    allocated = models.DecimalField(_("allocated (EUR)"), **MONEY)
    committed = models.DecimalField(_("committed (EUR)"), default=ZERO, editable=False, **MONEY)
    paid = models.DecimalField(_("paid (EUR)"), default=ZERO, editable=False, **MONEY)

    class Meta:
        verbose_name = _("budget")
        verbose_name_plural = _("budgets")
        ordering = ["fund", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["fund", "year"], name="budget_one_per_fund_and_year"),
            models.CheckConstraint(condition=Q(committed__gte=0, paid__gte=0), name="budget_amounts_not_negative"),
            models.CheckConstraint(
                condition=Q(allocated__gte=F("committed") + F("paid")), name="budget_never_overdrawn"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} {self.year}"

    @property
    def remaining(self) -> Decimal:
        return self.allocated - self.committed - self.paid


class Status(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    RETURNED = "returned", _("Sent back for correction")
    APPROVED = "approved", pgettext_lazy("payment", "Approved")
    REJECTED = "rejected", pgettext_lazy("payment", "Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPORTED = "exported", _("Exported, awaiting booking")
    PAID = "paid", _("Paid")
    REVERSED = "reversed", _("Returned by the bank (reversed)")


class ClaimState(models.TextChoices):
    OPEN = "open", _("Not yet claimed")
    CLAIMED = "claimed", _("Claimed from the benefit agency")
    REIMBURSED = "reimbursed", _("Reimbursed")
    REFUSED = "refused", _("Refused by the benefit agency")


class WriteOffState(models.TextChoices):
    NONE = "", _("None")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", pgettext_lazy("payment", "Approved")


class Payment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="payments")
    fund = models.ForeignKey(Fund, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="payments")
    budget_year = models.PositiveSmallIntegerField(_("budget year"))
    kind = models.CharField(_("kind of help"), max_length=10, choices=Kind.choices)
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    amount = models.DecimalField(_("amount (EUR)"), **MONEY)
    justification = models.TextField(_("justification"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED)
    version = models.PositiveIntegerField(default=1)
    # The payee, as a snapshot: a later change of the person never changes a payment.
    payee_is_person = models.BooleanField(_("paid to the person"), default=True)
    payee_name = models.CharField(_("payee"), max_length=70)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    account_holder = models.CharField(_("account holder"), max_length=70, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    remittance = models.CharField(_("remittance information"), max_length=140, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    export = models.ForeignKey(
        "payments.Export", null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    bank_reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    # Loan: a monthly repayment plan.
    instalment = models.DecimalField(_("monthly instalment (EUR)"), null=True, blank=True, **MONEY)
    first_instalment_on = models.DateField(_("first instalment due"), null=True, blank=True)
    repaid = models.DecimalField(_("repaid (EUR)"), default=ZERO, **MONEY)
    written_off = models.DecimalField(_("written off (EUR)"), default=ZERO, **MONEY)
    write_off_state = models.CharField(max_length=10, choices=WriteOffState.choices, default="", blank=True)
    write_off_reason = models.TextField(_("reason for the write-off"), blank=True)
    write_off_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    write_off_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Advance (§ 42 SGB I): whom to claim it back from (§§ 102 ff. SGB X).
    benefit_agency = models.CharField(_("benefit agency to claim from"), max_length=120, blank=True)
    benefit_reference = models.CharField(_("their case reference"), max_length=60, blank=True)
    claim_state = models.CharField(_("reimbursement claim"), max_length=10, choices=ClaimState.choices, blank=True)
    claim_changed_on = models.DateField(_("claim state since"), null=True, blank=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        permissions = [
            ("approve_payment", "Approve payments (four eyes)"),
            ("approve_large_payment", "Approve payments above the team-lead threshold"),
            ("book_payment", "Export and book payments, record instalments and claims"),
            ("approve_write_off", "Approve the write-off of a loan"),
        ]
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["fund", "status", "method"], name="payment_fund_status"),
            models.Index(fields=["case", "-requested_at"], name="payment_case_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(condition=~Q(decided_by=F("requested_by")), name="payment_four_eyes"),
            models.CheckConstraint(
                condition=~Q(write_off_approved_by=F("write_off_requested_by")), name="payment_write_off_four_eyes"
            ),
            models.CheckConstraint(
                condition=Q(repaid__gte=0, written_off__gte=0, amount__gte=F("repaid") + F("written_off")),
                name="payment_loan_balance",
            ),
            models.CheckConstraint(condition=Q(method="cash") | ~Q(iban=""), name="payment_transfer_has_iban"),
            models.CheckConstraint(
                condition=~Q(status__in=["exported", "paid", "reversed"]) | Q(export__isnull=False),
                name="payment_exported_has_export",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.voucher_number} {self.amount} €"

    @property
    def voucher_number(self) -> str:
        return f"NH-{self.budget_year}-{self.pk:06d}"

    @property
    def outstanding(self) -> Decimal:
        """A loan's balance still to be repaid."""
        if self.kind != Kind.LOAN or self.status != Status.PAID:
            return ZERO
        return self.amount - self.repaid - self.written_off


class Export(models.Model):
    """One file handed to the bank (SEPA) or the cash desk (vouchers). Kept, so clerks can
    download it again; each payment belongs to at most one export."""

    class Format(models.TextChoices):
        SEPA = "sepa", _("SEPA credit transfer file")
        CASH = "cash", _("Cash-desk vouchers (PDF)")

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="exports")
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    message_id = models.CharField(max_length=35, blank=True)
    count = models.PositiveIntegerField(_("payments"), default=0)
    total = models.DecimalField(_("total (EUR)"), default=ZERO, **MONEY)
    content = models.BinaryField(editable=False)
    content_type = models.CharField(max_length=60)
    filename = models.CharField(max_length=80)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename


class JournalEntry(models.Model):
    """Every change of a payment or a budget, as it happened. Never changed, never deleted:
    a correction is a new entry."""

    class Event(models.TextChoices):
        BUDGET_ALLOCATED = "budget_allocated", _("Budget allocated")
        FUND_CHANGED = "fund_changed", _("Paying account changed")
        REQUESTED = "requested", _("Requested")
        CORRECTED = "corrected", _("Corrected")
        RETURNED = "returned", _("Sent back for correction")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        APPROVED = "approved", pgettext_lazy("payment", "Approved")
        REJECTED = "rejected", pgettext_lazy("payment", "Rejected")
        EXPORTED = "exported", _("Exported")
        PAID = "paid", _("Booked as paid")
        REVERSED = "reversed", _("Reversed (returned by the bank)")
        REPAYMENT = "repayment", _("Instalment received")
        WRITE_OFF_REQUESTED = "write_off_requested", _("Write-off requested")
        WRITE_OFF_APPROVED = "write_off_approved", _("Write-off approved")
        CLAIM_CHANGED = "claim_changed", _("Reimbursement claim changed")

    at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    event = models.CharField(max_length=24, choices=Event.choices)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    budget_year = models.PositiveSmallIntegerField()
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="journal")
    export = models.ForeignKey(Export, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status_before = models.CharField(max_length=10, blank=True)
    status_after = models.CharField(max_length=10, blank=True)
    amount_before = models.DecimalField(null=True, blank=True, **MONEY)
    amount_after = models.DecimalField(null=True, blank=True, **MONEY)
    # The money this entry moved (an instalment, a write-off), and the budget after it.
    moved = models.DecimalField(null=True, blank=True, **MONEY)
    committed_after = models.DecimalField(null=True, blank=True, **MONEY)
    paid_after = models.DecimalField(null=True, blank=True, **MONEY)
    note = models.CharField(max_length=300, blank=True)
    # Each payment's entries (and each budget's allocations) form a chain authenticated with a
    # key kept outside the database (payments.ledger): an entry inserted, or a chain cut short,
    # by someone who can write the tables is found by payments.verification.
    # The payee, account, method, fund, year and amount the entry speaks of, as one hash: the
    # export pays only the account that was approved.
    payee_digest = models.CharField(max_length=64, blank=True, editable=False, default="", db_default="")
    key_id = models.CharField(max_length=40, blank=True, editable=False, default="", db_default="")
    mac = models.CharField(max_length=64, blank=True, editable=False, default="", db_default="")

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["fund", "budget_year", "at"], name="journal_fund_year")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event}"
