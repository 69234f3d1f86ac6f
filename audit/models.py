"""Access log entries (§ 67 ff. SGB X, GDPR Art. 5(2), 30, 32).

Entries are append-only: the model and its queryset refuse to change or delete them, and a
PostgreSQL trigger refuses UPDATE and DELETE for the application's role (retention is the one
deletion path, see audit.retention). A beat job chains the entries in id order with SHA-256
(AccessLogChain) and closes each run with a seal, so a changed, removed or inserted entry is
found by `manage.py verify_access_log`.

On PostgreSQL the entries are partitioned by month of `time` (audit.partitioning): retention drops
whole months, and each search reads only the months of its period."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from .idlists import IdListField


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an access-log entry."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Access-log entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Access-log entries cannot be deleted (only by the retention job).")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Access-log entries cannot be changed.")

    def bulk_create(self, objs, *args, update_conflicts=False, **kwargs):
        if update_conflicts:
            raise AppendOnlyError("Access-log entries cannot be changed.")
        return super().bulk_create(objs, *args, **kwargs)


class AppendOnlyModel(models.Model):
    """Rows are inserted once; saving an existing row or deleting one is refused."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs):
        if not self._state.adding and not kwargs.get("force_insert"):
            raise AppendOnlyError("Access-log rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Access-log rows cannot be deleted (only by the retention job).")


class AccessLogEntry(AppendOnlyModel):
    """One access. `id` is the primary key for Django and everything that refers to an entry: the
    identity sequence alone makes it unique. In PostgreSQL the table is partitioned by RANGE on
    `time` and its primary key is (id, time), because a partitioned table's unique constraints
    must contain the partition key (audit.partitioning)."""

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        LIST = "list", _("List")
        SEARCH = "search", _("Search")
        CREATE = "create", _("Create")
        CHANGE = "change", _("Change")
        DELETE = "delete", _("Delete")
        EXPORT = "export", _("Export")
        PRINT = "print", _("Print")
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Login failed")
        LOGOUT = "logout", _("Logout")
        GRANT = "grant", _("Grant")
        REVOKE = "revoke", _("Revoke")
        EXPIRE = "expire", _("Expiry")
        CONSENT_GIVEN = "consent_given", _("Consent given")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        ACCESS_REQUEST = "access_request", _("Access request")
        BREAK_GLASS = "break_glass", _("Break-glass")
        RETENTION = "retention", _("Retention deletion")

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        API = "api", _("API")
        ADMIN = "admin", _("Admin")
        JOB = "job", _("Job")
        COMMAND = "command", _("Command")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        DENIED = "denied", _("Denied")

    time = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # covered by accesslog_agency_id
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=30, blank=True)
    object_ids = models.JSONField(_("object ids"), default=list, blank=True)
    # Searched with `case_ids__has=` / `person_ids__has=` (audit.idlists), on a GIN index each.
    case_ids = IdListField(_("cases"), default=list, blank=True)
    person_ids = IdListField(_("persons"), default=list, blank=True)
    basis = models.CharField(_("right used"), max_length=200, blank=True)
    purpose = models.CharField(_("purpose or reason"), max_length=300, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)

    class Meta(AppendOnlyModel.Meta):
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access-log entries")
        ordering = ["-id"]
        # The search pages newest first by (time, id) (keyset, audit.selectors.entries_page): each
        # filter of audit.filters has an index in that order, so a page reads its 51 rows and
        # stops, and a period is a range of the same index (its months chosen by partition
        # pruning). "allowed" (nearly every entry), the period alone and no filter use the time
        # index; GIN indexes (PostgreSQL only, migration 0005) answer person and case.
        indexes = [
            models.Index(fields=["actor_name", "-time", "-id"], name="accesslog_actor_time"),
            models.Index(fields=["agency", "-time", "-id"], name="accesslog_agency_time"),
            models.Index(fields=["action", "-time", "-id"], name="accesslog_action_time"),
            models.Index(fields=["channel", "-time", "-id"], name="accesslog_channel_time"),
            models.Index(fields=["-time", "-id"], name="accesslog_denied", condition=models.Q(outcome="denied")),
            GinIndex(fields=["case_ids"], opclasses=["jsonb_path_ops"], name="accesslog_case_ids"),
            GinIndex(fields=["person_ids"], opclasses=["jsonb_path_ops"], name="accesslog_person_ids"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.object_type}"


class AccessLogChain(AppendOnlyModel):
    """The hash chain: for each sealed entry, SHA-256 over the previous link and the entry."""

    entry_id = models.BigIntegerField(primary_key=True)
    digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.digest[:12]}"


class AccessLogSeal(AppendOnlyModel):
    """One sealing run: the entries from..to and the chain's head after them."""

    first_entry_id = models.BigIntegerField(db_index=True)
    last_entry_id = models.BigIntegerField(db_index=True)
    count = models.PositiveIntegerField()
    # The chain's head before and after this run: verification can start at any seal, also
    # after retention removed the older ones.
    previous_head = models.CharField(max_length=64)
    head = models.CharField(max_length=64)
    # HMAC-SHA256 over the seal with a key kept outside the database (audit.keys).
    key_id = models.CharField(max_length=40, blank=True)
    mac = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(auto_now_add=True)

    class Meta(AppendOnlyModel.Meta):
        ordering = ["-last_entry_id"]

    def __str__(self) -> str:
        return f"seal {self.first_entry_id}–{self.last_entry_id}"


class SealHorizon(models.Model):
    """Where the sealer may seal up to (PostgreSQL): the highest entry id seen at the previous
    run and the moment after it was read. Once every write transaction of the application's
    role in this database that began by then has ended, all lower ids are committed or gone,
    so none can turn up behind the seal later."""

    safe_entry_id = models.BigIntegerField(default=0)
    pending_entry_id = models.BigIntegerField(default=0)
    pending_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"safe up to {self.safe_entry_id}"


class Verification(models.Model):
    """The result of one integrity check, shown in the auditors' workspace."""

    started_at = models.DateTimeField(auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Who ran it when no account did: the operating-system user of a shell, or "beat".
    started_by_name = models.CharField(max_length=150, blank=True)
    entries_checked = models.PositiveBigIntegerField(default=0)
    ok = models.BooleanField(default=False)
    finding = models.TextField(blank=True)
    # What was found, as a code and its values, shown in the reader's language (audit.verification.FINDINGS).
    finding_code = models.CharField(max_length=40, blank=True)
    finding_params = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"verification {self.started_at:%Y-%m-%d %H:%M}: {'ok' if self.ok else 'finding'}"

    @property
    def finding_text(self) -> str:
        """The finding in the reader's language."""
        from .verification import FINDINGS

        if self.finding_code in FINDINGS:
            return str(FINDINGS[self.finding_code] % self.finding_params)
        return self.finding


class Review(models.Model):
    """An auditor's verdict on a break-glass access or a burst of denied attempts."""

    class Kind(models.TextChoices):
        BREAK_GLASS = "break_glass", _("Break-glass access")
        DENIED_BURST = "denied_burst", _("Burst of denied attempts")

    class Verdict(models.TextChoices):
        JUSTIFIED = "justified", _("Justified")
        NOT_JUSTIFIED = "not_justified", _("Not justified")
        REFERRED = "referred", _("Referred")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+"
    )
    grant = models.OneToOneField(
        "cases.AccessGrant", null=True, blank=True, on_delete=models.PROTECT, related_name="review"
    )
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("until"), null=True, blank=True)
    denied_count = models.PositiveIntegerField(_("denied attempts"), default=0)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["verdict", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "window_start"],
                condition=models.Q(kind="denied_burst"),
                name="review_one_burst_per_window",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} – {self.actor}"
