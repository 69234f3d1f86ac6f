"""The help-offer directory, modelled on Open Referral HSDS 3: a provider (organization) offers
services (Offer), each at one or more locations (OfferLocation = service_at_location with its
location) with opening hours (Schedule, one weekly rule per row: HSDS `freq=WEEKLY`, `byday`).

A provider is either an agency in Notlagen (its staff answer referrals in their inbox, its
directory editors keep its offers current) or an external provider without accounts (the person
takes a referral slip). Offers carry no personal data of clients; the directory is readable by
all staff."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency, District

from ..vocabulary import Capacity, Category, Language, TargetGroup


class Weekday(models.TextChoices):
    """RFC 5545 BYDAY codes, Monday first."""

    MO = "MO", _("Monday")
    TU = "TU", _("Tuesday")
    WE = "WE", _("Wednesday")
    TH = "TH", _("Thursday")
    FR = "FR", _("Friday")
    SA = "SA", _("Saturday")
    SU = "SU", _("Sunday")


WEEKDAYS = [day.value for day in Weekday]


class Provider(models.Model):
    # A stable identifier for the HSDS exchange (organization.id); kept across imports.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    agency = models.OneToOneField(
        Agency,
        verbose_name=_("agency in Notlagen"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="provider",
        help_text=_("Empty for an external provider without accounts: referrals go by slip."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("mail address"), blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("provider")
        verbose_name_plural = _("providers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_external(self) -> bool:
        return self.agency_id is None


class OfferQuerySet(models.QuerySet):
    def listed(self) -> OfferQuerySet:
        """What the directory lists: active offers of active providers."""
        return self.filter(is_active=True, provider__is_active=True)

    def serving(self, municipality: str) -> OfferQuerySet:
        """Offers located in or serving a district of the municipality (may repeat rows: distinct)."""
        return self.filter(
            models.Q(locations__district__municipality=municipality) | models.Q(districts__municipality=municipality)
        )


class Offer(models.Model):
    """A help offer (HSDS service)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    provider = models.ForeignKey(Provider, verbose_name=_("provider"), on_delete=models.PROTECT, related_name="offers")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    districts = models.ManyToManyField(District, verbose_name=_("districts served"), blank=True, related_name="offers")
    eligibility = models.CharField(_("who can come"), max_length=300, blank=True)
    free_of_charge = models.BooleanField(_("free of charge"), default=True)
    anonymous_possible = models.BooleanField(_("anonymous counselling possible"), default=False)
    capacity = models.CharField(_("capacity"), max_length=20, choices=Capacity.choices, default=Capacity.AVAILABLE)
    waiting_days = models.PositiveSmallIntegerField(_("waiting time in days"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    phone = models.CharField(_("telephone"), max_length=40, blank=True)
    email = models.EmailField(_("mail address"), blank=True)
    url = models.URLField(_("web page"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("help offer")
        verbose_name_plural = _("help offers")
        ordering = ["name", "pk"]
        permissions = [
            ("view_inventory", "Can view the inventory of help offers"),
            ("exchange_offers", "Can import and export the directory"),
            ("change_any_offer", "Can change the offers of every provider"),
        ]
        indexes = [
            models.Index(fields=["category", "is_active"], name="offer_category"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def language_codes(self) -> list[str]:
        return [row.code for row in self.language_rows.all()]

    @property
    def target_group_codes(self) -> list[str]:
        return [row.code for row in self.target_group_rows.all()]


class OfferLanguage(models.Model):
    """A language counselling is given in (HSDS `language`: one row per service and code)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="language_rows")
    code = models.CharField(_("language"), max_length=3, choices=Language.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "code"], name="offer_language_once")]
        indexes = [models.Index(fields=["code", "offer"], name="offer_language_code")]

    def __str__(self) -> str:
        return self.code


class OfferTargetGroup(models.Model):
    """A target group of an offer (an HSDS taxonomy term of the vocabulary `target_group`)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="target_group_rows")
    code = models.CharField(_("target group"), max_length=20, choices=TargetGroup.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["offer", "code"], name="offer_target_group_once")]
        indexes = [models.Index(fields=["code", "offer"], name="offer_target_group_code")]

    def __str__(self) -> str:
        return self.code


class OfferLocation(models.Model):
    """Where an offer is given (HSDS service_at_location with its location)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    offer = models.ForeignKey(Offer, verbose_name=_("help offer"), on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accessibility = models.CharField(_("accessibility"), max_length=300, blank=True)
    wheelchair_accessible = models.BooleanField(_("wheelchair accessible"), default=False)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["offer", "pk"]

    def __str__(self) -> str:
        return ", ".join(filter(None, [self.name, self.street, f"{self.postal_code} {self.city}"]))


class Schedule(models.Model):
    """One weekly opening: RFC 5545 `FREQ=WEEKLY;BYDAY=<day>` from `opens_at` to `closes_at`."""

    location = models.ForeignKey(
        OfferLocation, verbose_name=_("location"), on_delete=models.CASCADE, related_name="schedules"
    )
    weekday = models.CharField(_("weekday"), max_length=2, choices=Weekday.choices)
    opens_at = models.TimeField(_("opens"))
    closes_at = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["location", "weekday", "opens_at"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")), name="schedule_closes_after_open"),
        ]
        indexes = [models.Index(fields=["weekday", "opens_at", "closes_at"], name="schedule_open_now")]

    def __str__(self) -> str:
        return f"{self.weekday} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"

    @property
    def rrule(self) -> str:
        return f"FREQ=WEEKLY;BYDAY={self.weekday}"
