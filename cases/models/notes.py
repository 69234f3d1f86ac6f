"""Notes on a case and the case's timeline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from access.reporting import ReportingQuerySet
from agencies.models import Agency

from ..scopes import NoteCategory
from .case import Case


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

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "category", "-created_at"], name="note_case_category")]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_category_display()}"


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

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "-at", "-id"], name="caseevent_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"
