"""Consultation hours (Sprechstunden) of an agency at a location, their exceptions and bookable
slots, and the contacts recorded in them.

An hour recurs by an RFC 5545 rule (weekly or every two weeks on some weekdays) from its first
day, until its last day if it has one; cancelled dates are exceptions, and the public holidays
of the hour's German state are skipped without being entered (consultations.schedule).

A contact is anonymous: topic, district of residence, first contact or repeat, outcome. It names
no person; it may point to a case, and only through the access rule for linking
(consultations.services), so the case read is checked and logged like any other."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, District, Location

from .vocabulary import ApplicationKind, ExceptionKind, HolidayRegion, Mode, Outcome, Topic


def default_holiday_region() -> str:
    region = getattr(settings, "REFERRAL_HOLIDAY_REGION", "")
    return region if region in HolidayRegion.values else ""


class ConsultationHour(models.Model):
    # A stable identifier for calendars (the iCalendar UID), kept across edits.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="consultation_hours"
    )
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.PROTECT, related_name="consultation_hours"
    )
    title = models.CharField(_("title"), max_length=120)
    topics = models.JSONField(_("topics"), default=list, blank=True)  # Topic codes
    languages = models.JSONField(_("languages"), default=list, blank=True)  # referrals.vocabulary.Language codes
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("staff"), blank=True, related_name="consultation_hours"
    )
    mode = models.CharField(_("how people come"), max_length=10, choices=Mode.choices, default=Mode.WALK_IN)
    slot_minutes = models.PositiveSmallIntegerField(_("minutes per appointment"), null=True, blank=True)
    rrule = models.CharField(_("recurrence rule (RFC 5545)"), max_length=200)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    start_time = models.TimeField(_("begins at"))
    end_time = models.TimeField(_("ends at"))
    holiday_region = models.CharField(
        _("public holidays of"), max_length=2, choices=HolidayRegion.choices, blank=True, default=default_holiday_region
    )
    public_note = models.CharField(_("note for visitors"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation hour")
        verbose_name_plural = _("consultation hours")
        ordering = ["title", "pk"]
        permissions = [("view_uptake", "Can view the uptake report of consultation hours")]
        constraints = [
            models.CheckConstraint(condition=Q(end_time__gt=F("start_time")), name="consultation_hour_end_after_start"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="consultation_hour_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=~Q(mode="slots") | Q(slot_minutes__gt=0), name="consultation_hour_slots_have_a_length"
            ),
        ]
        indexes = [models.Index(fields=["agency", "is_active"], name="consultation_hour_agency")]

    def __str__(self) -> str:
        return self.title


class ConsultationException(models.Model):
    """A date on which the hour does not take place although its rule says so."""

    hour = models.ForeignKey(
        ConsultationHour, verbose_name=_("consultation hour"), on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=ExceptionKind.choices, default=ExceptionKind.CANCELLED)
    note = models.CharField(_("note for visitors"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("exception")
        verbose_name_plural = _("exceptions")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["hour", "date"], name="consultation_exception_once_a_day")]

    def __str__(self) -> str:
        return f"{self.hour} {self.date:%Y-%m-%d}"


class ConsultationBooking(models.Model):
    """A slot reserved in an hour with appointments: for a case, or anonymously under a label
    that names nobody (for example "Reservierung 1")."""

    hour = models.ForeignKey(
        ConsultationHour, verbose_name=_("consultation hour"), on_delete=models.CASCADE, related_name="bookings"
    )
    date = models.DateField(_("date"))
    starts_at = models.TimeField(_("from"))
    ends_at = models.TimeField(_("until"))
    label = models.CharField(_("label"), max_length=60, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="consultation_bookings"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        ordering = ["date", "starts_at"]
        constraints = [
            # The service refuses overlaps (with the hour locked); this stops a double booking
            # of the same start should anything bypass it.
            models.UniqueConstraint(fields=["hour", "date", "starts_at"], name="consultation_booking_one_per_slot"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="consultation_booking_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hour} {self.date:%Y-%m-%d} {self.starts_at:%H:%M}"


class ConsultationContact(models.Model):
    """One contact in a consultation hour, anonymous: no name, no birth date, no free text."""

    hour = models.ForeignKey(
        ConsultationHour, verbose_name=_("consultation hour"), on_delete=models.PROTECT, related_name="contacts"
    )
    # Copied from the hour when recorded: the report counts where the contact happened then.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="consultation_contacts")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="consultation_contacts")
    date = models.DateField(_("date"))
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    district = models.ForeignKey(
        District,
        verbose_name=_("district of residence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_contacts",
    )
    first_contact = models.BooleanField(_("first contact"), default=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    application_kind = models.CharField(_("application"), max_length=20, choices=ApplicationKind.choices, blank=True)
    offer = models.ForeignKey(
        "referrals.Offer",
        verbose_name=_("help offer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_contacts",
    )
    # Set only by consultations.services after the link rule allowed it for this case.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="consultation_contacts"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact in a consultation hour")
        verbose_name_plural = _("contacts in consultation hours")
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["agency", "date"], name="consultation_contact_agency")]

    def __str__(self) -> str:
        return f"{self.hour} {self.date:%Y-%m-%d}"
