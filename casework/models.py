"""The case workspace: the first conversation (Erstgespräch), the situation by life area, tasks,
appointments, documents, the case plan and the timeline. Every record hangs off a case and
carries a note category, so it is visible exactly where that category's scope is (cases.scopes)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from access.reporting import ReportingQuerySet
from agencies.models import Agency
from cases.models import Case, Consent, ContactChannel
from cases.scopes import NoteCategory
from notlagen.storage import NamedStorage, named_storage

from .life_areas import LifeArea, Need
from .risk import RiskLevel, answered_items


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately (today)")
    SOON = "soon", _("Within a few days")
    NORMAL = "normal", _("No particular urgency")


class Intake(models.Model):
    """The first conversation with a person: its steps, saved as a draft while it runs."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        COMPLETED = "completed", _("Completed")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="intake")
    contact_channel = models.CharField(_("way of contact"), max_length=20, choices=ContactChannel.choices)
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices, default=Urgency.NORMAL)
    immediate_help = models.TextField(_("immediate help given"), blank=True)
    next_steps = models.TextField(_("agreed next steps"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # The raw input of each step as typed, saved on every change, so nothing is lost when the
    # browser closes; it becomes records only when the step is submitted and valid.
    draft = models.JSONField(default=dict, blank=True)
    last_step = models.CharField(max_length=20, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("conducted by"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("first conversation")
        verbose_name_plural = _("first conversations")
        indexes = [models.Index(fields=["started_by", "status"], name="intake_started_by_status")]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_status_display()}"


class Situation(models.Model):
    """The household and the contact restrictions of a case, kept current after the first
    conversation. Basic scope: every partner who sees the case needs them to act safely."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="situation")
    adults = models.PositiveSmallIntegerField(_("adults in the household"), default=1)
    children_ages = models.JSONField(_("ages of the children"), default=list, blank=True)
    household_note = models.CharField(_("note on the household"), max_length=300, blank=True)
    contact_restrictions = models.JSONField(_("contact restrictions"), default=list, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("situation")
        verbose_name_plural = _("situations")

    def __str__(self) -> str:
        return str(self.case)


class LifeAreaStatus(models.Model):
    """Status and need in one life area; its category decides who may read it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="life_areas")
    area = models.CharField(_("life area"), max_length=20, choices=LifeArea.choices)
    category = models.CharField(max_length=20, choices=NoteCategory.choices, editable=False)
    need = models.CharField(_("need"), max_length=20, choices=Need.choices, default=Need.UNCLEAR)
    situation = models.CharField(_("situation"), max_length=30, blank=True)
    flag = models.BooleanField(default=False)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("life area")
        verbose_name_plural = _("life areas")
        constraints = [models.UniqueConstraint(fields=["case", "area"], name="lifearea_one_per_case")]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_area_display()}"


class Task(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    category = models.CharField(
        _("category"), max_length=20, choices=NoteCategory.choices, default=NoteCategory.GENERAL
    )
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsible"), on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = [models.F("done_at").asc(nulls_first=True), models.F("due_on").asc(nulls_last=True), "pk"]
        indexes = [
            models.Index(fields=["case", "category"], name="task_case_category"),
            models.Index(fields=["assignee", "due_on"], name="task_open_by_assignee", condition=Q(done_at=None)),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class Appointment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="appointments")
    category = models.CharField(
        _("category"), max_length=20, choices=NoteCategory.choices, default=NoteCategory.GENERAL
    )
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    with_whom = models.CharField(_("with"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["case", "starts_at"], name="appointment_case_start")]

    def __str__(self) -> str:
        return f"{self.case} – {self.starts_at:%d.%m.%Y %H:%M}"


def document_storage() -> NamedStorage:
    """The storage "documents" (settings.STORAGES: a folder outside the web root or encrypted
    object storage), never served by a URL of its own: only by the permission-checked, logged
    download view. A callable, so migrations do not record one machine's backend."""
    return named_storage("documents")


def _document_path(instance, filename: str) -> str:
    # The stored name says nothing about the person or the content: case id and a random token.
    return f"{instance.case_id}/{instance.token}"


class Document(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    category = models.CharField(
        _("category"), max_length=20, choices=NoteCategory.choices, default=NoteCategory.GENERAL
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(storage=document_storage, upload_to=_document_path, max_length=200)
    token = models.CharField(max_length=40, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    scan_result = models.CharField(max_length=100, blank=True)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="scans", verbose_name=_("consent")
    )
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["case", "category"], name="document_case_category")]

    def __str__(self) -> str:
        return self.title


class Goal(models.Model):
    """A goal of the case plan, with the steps agreed with the person."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="goals")
    area = models.CharField(_("life area"), max_length=20, choices=LifeArea.choices)
    category = models.CharField(max_length=20, choices=NoteCategory.choices, editable=False)
    title = models.CharField(_("goal"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalStep(models.Model):
    class Responsible(models.TextChoices):
        PERSON = "person", _("The person")
        WORKER = "worker", _("Social work")
        PARTNER = "partner", _("Partner agency")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="steps")
    text = models.CharField(_("step"), max_length=300)
    responsible = models.CharField(_("who"), max_length=10, choices=Responsible.choices)
    due_on = models.DateField(_("by"), null=True, blank=True)
    done_at = models.DateTimeField(_("done on"), null=True, blank=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("agreed step")
        verbose_name_plural = _("agreed steps")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text


class RiskAssessment(models.Model):
    """A structured risk assessment of a case that concerns violence (casework.risk): the
    checklist's answers, the level it suggested and the level the professional set. Violence
    data: readable only with the sensitive scope. A reassessment adds a new row; the newest is
    the current one, the older ones are its history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    category = models.CharField(
        max_length=20, choices=NoteCategory.choices, default=NoteCategory.VIOLENCE, editable=False
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(_("answers"), default=dict)
    suggested_level = models.CharField(_("level suggested by the checklist"), max_length=20, choices=RiskLevel.choices)
    level = models.CharField(_("risk level"), max_length=20, choices=RiskLevel.choices)
    reasoning = models.TextField(_("professional judgement"), max_length=2000, blank=True)
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(_("assessed on"), auto_now_add=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_at", "-pk"]
        indexes = [models.Index(fields=["case", "-assessed_at"], name="risk_assessment_current")]
        constraints = [models.CheckConstraint(condition=Q(category="violence"), name="risk_assessment_is_violence")]

    def __str__(self) -> str:
        return f"{self.case} – {self.get_level_display()}"

    @property
    def items(self):
        return answered_items(self.answers)
