"""Persons, cases, notes, consent and purpose-bound access grants (§ 35 SGB I, §§ 67 ff. SGB X)."""

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from agencies.models import Agency, District

from .scopes import PERM_BASIC, PERM_FINANCE, PERM_NOTES, PERM_SENSITIVE, NoteCategory, Scope


class Statute(models.Model):
    """A legal basis for sharing without consent, from a maintained list (e.g. § 69 SGB X)."""

    code = models.CharField(
        _("citation"), max_length=80, unique=True, help_text=_('For example "§ 69 Abs. 1 Nr. 1 SGB X".')
    )
    title = models.CharField(_("title"), max_length=300)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("statute")
        verbose_name_plural = _("statutes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class ConsentText(models.Model):
    """A versioned consent text. A version that a consent refers to is never edited again;
    changes become a new version."""

    title = models.CharField(_("title"), max_length=200)
    version = models.CharField(_("version"), max_length=20)
    body = models.TextField(_("text"))
    is_active = models.BooleanField(_("offered for new consents"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["title", "-version"]
        constraints = [models.UniqueConstraint(fields=["title", "version"], name="consenttext_unique_version")]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args, **kwargs):
        # Invariant, not a side effect: a used version is evidence and must stay as signed.
        if self.pk and ConsentText.objects.filter(pk=self.pk, consents__isnull=False).exists():
            original = ConsentText.objects.get(pk=self.pk)
            if (original.title, original.version, original.body) != (self.title, self.version, self.body):
                raise ValueError("A consent text version that has been used cannot be changed.")
        super().save(*args, **kwargs)

    @property
    def is_used(self) -> bool:
        return self.consents.exists()


class Person(models.Model):
    """A client. Pseudonymous mode: only an alias, no real name yet (anonymous counselling);
    the real name can be added later."""

    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    alias = models.CharField(_("alias"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # Kölner Phonetik of the names, for the duplicate check across agencies.
    family_phonetic = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    given_phonetic = models.CharField(max_length=100, blank=True, editable=False)
    owner_agency = models.ForeignKey(
        Agency, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="registered_persons"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["birth_date"], name="person_birth_date")]
        constraints = [
            models.CheckConstraint(condition=~Q(family_name="") | ~Q(alias=""), name="person_has_name_or_alias")
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_pseudonymous(self) -> bool:
        return not self.family_name

    @property
    def display_name(self) -> str:
        if self.is_pseudonymous:
            return f"„{self.alias}“"
        return f"{self.given_name} {self.family_name}".strip()


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(_("case number"), max_length=30, unique=True, editable=False)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases")
    owner_agency = models.ForeignKey(
        Agency, verbose_name=_("owning agency"), on_delete=models.PROTECT, related_name="cases"
    )
    title = models.CharField(_("reason for contact"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    assigned_workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned workers"), blank=True, related_name="assigned_cases"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Optimistic concurrency: every change increments it; a form carries the version it was made from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-updated_at", "-pk"]
        default_permissions = ("add", "change", "view")
        permissions = [
            # Object permissions (per case, from grants): what a scope opens.
            (PERM_BASIC, "Can see master data and summary of the case"),
            (PERM_NOTES, "Can see general notes of the case and add notes"),
            (PERM_FINANCE, "Can see payments and financial notes of the case"),
            (PERM_SENSITIVE, "Can see sensitive notes of the case"),
            # Model permissions (per role): what a role may do where its scope allows.
            ("close_case", "Can close and reopen cases"),
            ("manage_grants", "Can share cases with other agencies"),
            ("manage_consent", "Can record and withdraw consent"),
            ("decide_access_requests", "Can approve or refuse access requests"),
            ("request_access", "Can request access to a case of another agency"),
            ("break_glass", "Can open a case in an emergency (break-glass)"),
            ("read_general_notes", "Can read general notes"),
            ("read_sensitive_notes", "Can read notes of sensitive categories"),
            ("read_finance_notes", "Can read financial notes"),
        ]
        indexes = [
            models.Index(fields=["owner_agency", "-updated_at"], name="case_owner_updated"),
            models.Index(fields=["status"], name="case_status"),
        ]

    def __str__(self) -> str:
        return self.reference


ALWAYS_FROM = datetime(1970, 1, 1, tzinfo=UTC)
ALWAYS_UNTIL = datetime(9999, 12, 31, tzinfo=UTC)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian's direct foreign-key permission rows for cases, one per agency group,
    permission and case, with the validity window of the grant it comes from. Rows are derived
    from active grants by cases.access_sync and nowhere else. The window is checked at read time,
    so an expired grant never reads even before the cleanup job removes its row."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    # The owner's rows hold ALWAYS_FROM / ALWAYS_UNTIL, so every read checks one plain range.
    valid_from = models.DateTimeField()
    valid_until = models.DateTimeField()
    # A copy of the case's updated_at, kept by cases.access_sync, so that an agency's newest
    # visible cases are the first entries of one index range instead of a probe per case.
    case_updated_at = models.DateTimeField(null=True, blank=True)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        # The list and its count: one range of (group, permission), newest case first, the
        # window included so both run as index-only scans. The second serves the per-case check.
        indexes = [
            models.Index(
                fields=["group", "permission", "-case_updated_at", "-content_object"],
                include=["valid_from", "valid_until"],
                name="caseperm_list",
            ),
            models.Index(
                fields=["content_object", "group", "permission"],
                include=["valid_from", "valid_until"],
                name="caseperm_case_group_perm",
            ),
            models.Index(fields=["valid_until"], name="caseperm_valid_until"),
        ]


class ContactChannel(models.TextChoices):
    """How a contact with the person came about (first conversation, notes of contacts)."""

    WALK_IN = "walk_in", _("Walk-in")
    PHONE = "phone", _("Phone")
    OUTREACH = "outreach", _("Consultation hour in a neighbourhood office")
    REFERRAL = "referral", _("Referred by another agency")


class CaseNote(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes")
    category = models.CharField(
        _("category"), max_length=20, choices=NoteCategory.choices, default=NoteCategory.GENERAL
    )
    text = models.TextField(_("note"))
    # A note can record a contact with the person: how and when it happened (never in the future).
    contact_channel = models.CharField(_("contact"), max_length=20, choices=ContactChannel.choices, blank=True)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT)
    author_agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "category", "-created_at"], name="note_case_category")]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_category_display()}"


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


class AccessGrant(models.Model):
    """A grant of one scope on one case to one agency, for a purpose, on a legal basis, for a time."""

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
    # Break-glass: an emergency self-grant, flagged for the auditors' review.
    is_break_glass = models.BooleanField(_("emergency access"), default=False)
    break_glass_situation = models.CharField(_("situation"), max_length=40, blank=True)
    needs_review = models.BooleanField(_("awaiting auditor review"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

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
            return str(_("Consent of %(date)s") % {"date": self.consent.given_at.date().strftime("%d.%m.%Y")})
        if self.statute_id:
            return self.statute.code
        return str(_("Emergency access"))

    def is_active_at(self, moment) -> bool:
        return self.revoked_at is None and self.valid_from <= moment < self.valid_until


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


class DuplicateCheck(models.Model):
    """One duplicate check by one person (for the rate limit and the access log)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "created_at"], name="duplicatecheck_user_time")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"


class DuplicateMatch(models.Model):
    """A match outside the user's grants, behind an opaque random token that only this user
    may redeem (to request access or break the glass), for a limited time."""

    token = models.CharField(max_length=64, unique=True)
    duplicate_check = models.ForeignKey(DuplicateCheck, on_delete=models.CASCADE, related_name="matches")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"match {self.pk}"


class Visibility(models.TextChoices):
    """Who may see a timeline entry: everyone with the basic scope, readers of a note
    category, or the owning agency only (sharing: who else is involved can itself be sensitive)."""

    BASIC = "basic", _("Basic")
    OWNER = "owner", _("Owning agency")
    GENERAL = NoteCategory.GENERAL.value, NoteCategory.GENERAL.label
    HEALTH = NoteCategory.HEALTH.value, NoteCategory.HEALTH.label
    VIOLENCE = NoteCategory.VIOLENCE.value, NoteCategory.VIOLENCE.label
    RESIDENCE = NoteCategory.RESIDENCE.value, NoteCategory.RESIDENCE.label
    FINANCES = NoteCategory.FINANCES.value, NoteCategory.FINANCES.label


class CaseEvent(models.Model):
    """One line of the case's timeline, written by the service that made the change, in the
    same transaction. It refers to its record by id; the words are rendered when shown."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(db_index=False)
    kind = models.CharField(max_length=30)
    visibility = models.CharField(max_length=20, choices=Visibility.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, null=True, on_delete=models.PROTECT, related_name="+")
    ref_id = models.BigIntegerField(null=True)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "-at", "-id"], name="caseevent_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
