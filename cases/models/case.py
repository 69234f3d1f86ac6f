"""Cases and their object permissions (django-guardian's direct foreign-key rows)."""

from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from access.reporting import ReportingQuerySet
from agencies.models import Agency, District

from ..demographics import AgeBand
from ..scopes import PERM_BASIC, PERM_FINANCE, PERM_NOTES, PERM_SENSITIVE
from .persons import Person


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
    # The person's age band when the case was opened (cases.demographics): the statistics keep it
    # after retention has erased the date of birth. "" = date of birth not known.
    age_band = models.CharField(
        _("age band"), max_length=6, choices=AgeBand.choices, blank=True, editable=False, default="", db_default=""
    )
    closed_reason = models.CharField(_("reason for closing"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Optimistic concurrency: every change increments it; a form carries the version it was made from.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True, db_index=True)

    objects = ReportingQuerySet.as_manager()

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
            ("approve_grants", "Can approve sharing without consent (four eyes)"),
            ("request_access", "Can request access to a case of another agency"),
            ("break_glass", "Can open a case in an emergency (break-glass)"),
            ("read_general_notes", "Can read general notes"),
            ("read_sensitive_notes", "Can read notes of sensitive categories"),
            ("read_finance_notes", "Can read financial notes"),
        ]
        indexes = [
            models.Index(fields=["owner_agency", "-updated_at"], name="case_owner_updated"),
            models.Index(fields=["status"], name="case_status"),
            # Committee reports count cases opened and closed in a period, per agency and city-wide.
            models.Index(fields=["owner_agency", "created_at"], name="case_owner_created"),
            models.Index(fields=["closed_at"], name="case_closed_at", condition=models.Q(closed_at__isnull=False)),
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
    # The listing row of an agency for a case is its row of the basic permission. It carries a
    # copy of what the case list orders and filters by, so that an agency's newest visible cases
    # — with any filter of the list — are the first entries of one index range instead of a join
    # and a probe per case (cases.listing). The copies are written when the row is created
    # (cases.access_sync) and kept by a database trigger on the case (migration 0008), so they
    # hold whoever changes the case. Rows of the other permissions carry NULL.
    case_updated_at = models.DateTimeField(null=True, blank=True)
    case_status = models.CharField(max_length=10, null=True, blank=True)  # noqa: DJ001 - NULL: not a listing row
    case_district = models.ForeignKey(
        District,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        # The list and its count: one range of (group, permission), newest case first, the
        # window and the filtered columns included so both run as index-only scans; a filter by
        # status or district that keeps few rows has its own range. The last but one serves the
        # per-case check.
        indexes = [
            models.Index(
                fields=["group", "permission", "-case_updated_at", "-content_object"],
                include=["valid_from", "valid_until", "case_status", "case_district"],
                name="caseperm_list",
            ),
            models.Index(
                fields=["group", "permission", "case_status", "-case_updated_at", "-content_object"],
                include=["valid_from", "valid_until", "case_district"],
                condition=models.Q(case_status__isnull=False),
                name="caseperm_list_status",
            ),
            models.Index(
                fields=["group", "permission", "case_district", "-case_updated_at", "-content_object"],
                include=["valid_from", "valid_until", "case_status"],
                condition=models.Q(case_district__isnull=False),
                name="caseperm_list_district",
            ),
            models.Index(
                fields=["content_object", "group", "permission"],
                include=["valid_from", "valid_until"],
                name="caseperm_case_group_perm",
            ),
            models.Index(fields=["valid_until"], name="caseperm_valid_until"),
        ]
