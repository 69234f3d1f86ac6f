"""Consent and purpose-bound access grants (§ 35 SGB I, §§ 67 ff. SGB X), and access requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from access.reporting import ReportingQuerySet
from agencies.models import Agency
from notlagen.dates import format_when

from ..scopes import Scope
from .case import Case
from .persons import Person
from .reference import ConsentText, Statute


class Consent(models.Model):
    class GivenHow(models.TextChoices):
        WRITTEN = "written", _("In writing")
        ORAL = "oral", _("Orally, with a witness")

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="consents")
    agencies = models.ManyToManyField(Agency, verbose_name=_("agencies"), related_name="consents")
    scopes = models.JSONField(_("scopes"), default=list)
    purpose = models.TextField(_("purpose"))
    given_how = models.CharField(_("given"), max_length=10, choices=GivenHow.choices)
    witness = models.CharField(_("witness"), max_length=200, blank=True)
    text = models.ForeignKey(
        ConsentText, verbose_name=_("consent text"), on_delete=models.PROTECT, related_name="consents"
    )
    given_at = models.DateTimeField(_("given on"))
    valid_until = models.DateField(_("valid until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_note = models.CharField(_("note on withdrawal"), max_length=300, blank=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(given_how="oral") | ~Q(witness=""), name="consent_oral_needs_witness"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.text}"

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(s, s)) for s in self.scopes]


class GrantQuerySet(ReportingQuerySet):
    def in_force(self, now=None) -> GrantQuerySet:
        """Grants that open the case now: not revoked, approved where a second person must
        approve, and within their window."""
        now = now or timezone.now()
        return self.filter(
            revoked_at__isnull=True,
            approval__in=AccessGrant.IN_FORCE,
            valid_from__lte=now,
            valid_until__gt=now,
        )


class AccessGrant(models.Model):
    """A grant of one scope on one case to one agency, for a purpose, on a legal basis, for a time.
    Sharing without the person's consent (a statute) waits for a second person, the owning
    agency's team lead, before it opens anything (§ 67d SGB X: the transfer must be necessary)."""

    class Approval(models.TextChoices):
        NOT_NEEDED = "not_needed", _("No second approval needed (consent, or a request decided by the team lead)")
        PENDING = "pending", _("Awaiting the team lead's approval")
        APPROVED = "approved", _("Approved by the team lead")
        REFUSED = "refused", _("Refused by the team lead")

    IN_FORCE = (Approval.NOT_NEEDED, Approval.APPROVED)

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="grants")
    grantee_agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="grants"
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    consent = models.ForeignKey(
        Consent, verbose_name=_("consent"), null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    statute = models.ForeignKey(
        Statute, verbose_name=_("statute"), null=True, blank=True, on_delete=models.PROTECT, related_name="grants"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, related_name="+"
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked on"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=300, blank=True)
    approval = models.CharField(_("approval"), max_length=12, choices=Approval.choices, default=Approval.NOT_NEEDED)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    # Break-glass: an emergency self-grant, flagged for the auditors' review.
    is_break_glass = models.BooleanField(_("emergency access"), default=False)
    break_glass_situation = models.CharField(_("situation"), max_length=40, blank=True)
    needs_review = models.BooleanField(_("awaiting auditor review"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = GrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(consent__isnull=False) & Q(statute__isnull=True))
                | (Q(consent__isnull=True) & Q(statute__isnull=False))
                | Q(is_break_glass=True),
                name="grant_has_one_legal_basis",
            ),
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")), name="grant_ends_after_start"),
            # Four eyes, also against the admin and the ORM: approved by a second person.
            models.CheckConstraint(
                condition=~Q(approval="approved")
                | (Q(approved_by__isnull=False) & ~Q(approved_by=models.F("granted_by"))),
                name="grant_approved_by_a_second_person",
            ),
        ]
        indexes = [
            models.Index(fields=["case", "grantee_agency"], name="grant_case_agency"),
            models.Index(fields=["valid_until"], name="grant_valid_until", condition=Q(revoked_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.grantee_agency} ({self.get_scope_display()})"

    @property
    def legal_basis_label(self) -> str:
        if self.consent_id:
            return str(_("Consent of %(date)s") % {"date": format_when(self.consent.given_at)})
        if self.statute_id:
            return self.statute.code
        return str(_("Emergency access"))

    def is_active_at(self, moment) -> bool:
        return self.revoked_at is None and self.valid_from <= moment < self.valid_until

    def is_in_force(self, now=None) -> bool:
        """This grant opens the case now (GrantQuerySet.in_force, for one loaded row)."""
        return self.approval in self.IN_FORCE and self.is_active_at(now or timezone.now())


class AccessRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access_requests")
    requesting_agency = models.ForeignKey(
        Agency, verbose_name=_("requesting agency"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices)
    purpose = models.CharField(_("purpose"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_note = models.CharField(_("note on the decision"), max_length=300, blank=True)
    grant = models.OneToOneField(AccessGrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="request")
    created_at = models.DateTimeField(_("requested on"), auto_now_add=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "requesting_agency", "scope"],
                condition=Q(status="pending"),
                name="accessrequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requesting_agency} → {self.case}"
