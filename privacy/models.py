"""A person's request under Art. 15-18 GDPR and what was decided and done.

The request is the data-protection officer's record of accountability (Art. 5(2) GDPR): who
asked for what, how the identity was checked (a note on the document seen, never a copy of it),
when the legal deadline falls (Art. 12(3)), what was decided and what was done. It keeps no copy
of the person's data: the report is assembled from the records each time it is produced, and
logged each time (privacy.assembly)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    ACCESS = "access", _("Access to the data (Art. 15 GDPR)")
    RECTIFICATION = "rectification", _("Rectification (Art. 16 GDPR)")
    ERASURE = "erasure", _("Erasure (Art. 17 GDPR)")
    RESTRICTION = "restriction", _("Restriction of processing (Art. 18 GDPR)")


class Status(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


class Decision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class IdentityDocument(models.TextChoices):
    """What the officer saw to check the identity; the document itself is never copied."""

    ID_CARD = "id_card", _("Identity card")
    PASSPORT = "passport", _("Passport")
    RESIDENCE_PERMIT = "residence_permit", _("Residence permit or replacement document")
    KNOWN_IN_PERSON = "known", _("Known in person to the desk's staff")
    REPRESENTATIVE = "representative", _("Legal representative or authorised person (authority checked)")
    OTHER = "other", _("Other (see note)")


class SubjectRequest(models.Model):
    number = models.CharField(_("request number"), max_length=20, unique=True, editable=False)
    # SET_NULL: an erasure may remove the person; the request stays as the proof it was answered.
    person = models.ForeignKey(
        "cases.Person", verbose_name=_("person"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_number = models.PositiveBigIntegerField(_("person no."), db_index=True)
    kind = models.CharField(_("kind of request"), max_length=20, choices=Kind.choices)
    details = models.TextField(_("what the person asks for"), max_length=2000, blank=True)
    received_on = models.DateField(_("received on"))
    # Art. 12(3): one month from receipt; extendable by two further months, with reasons.
    due_on = models.DateField(_("due on"))
    extension_reason = models.CharField(_("reason for the extension"), max_length=300, blank=True)
    identity_document = models.CharField(_("identity checked with"), max_length=20, choices=IdentityDocument.choices)
    identity_note = models.CharField(_("note on the identity check"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason"), max_length=2000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    # What the erasure did (retention.services.erase_person): counts per kind, what was kept and why.
    outcome = models.JSONField(_("outcome"), default=dict, blank=True)
    completed_at = models.DateTimeField(_("completed on"), null=True, blank=True)
    completion_note = models.CharField(_("how the answer was given"), max_length=300, blank=True)
    report_produced_at = models.DateTimeField(_("report last produced"), null=True, blank=True)
    # Art. 15(4) GDPR: records left out of the person's copy because they would disclose another
    # person's data, each with the reason: [{"kind": "note"|"document", "id", "reason", "by", "at"}].
    withheld = models.JSONField(_("withheld records"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"], name="subjectrequest_status_due")]
        constraints = [
            models.CheckConstraint(condition=~Q(identity_note=""), name="subjectrequest_identity_noted"),
            models.CheckConstraint(
                condition=Q(decision="") | (Q(decided_by__isnull=False) & ~Q(decision_reason="")),
                name="subjectrequest_decision_explained",
            ),
            models.CheckConstraint(condition=Q(due_on__gte=models.F("received_on")), name="subjectrequest_due_after"),
        ]

    def __str__(self) -> str:
        return self.number or f"{self._meta.verbose_name} {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()

    @property
    def days_left(self) -> int:
        return (self.due_on - timezone.localdate()).days

    @property
    def needs_decision(self) -> bool:
        """Rectification, erasure and restriction are decided; an access request is answered."""
        return self.kind != Kind.ACCESS

    @property
    def purpose(self) -> str:
        """The purpose every read for this request is logged with (kept German: it is evidence)."""
        return f"Auskunft nach Art. 15 DSGVO, Antrag {self.number}"
