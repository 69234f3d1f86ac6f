"""Agencies, their org units and locations, districts, and memberships of users with roles."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .roles import Role


class District(models.Model):
    """A Stadtteil or Sozialraum of a municipality, used to place locations (and later cases)."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", _("District (Stadtteil)")
        SOCIAL_AREA = "social_area", _("Social area (Sozialraum)")

    municipality = models.CharField(_("municipality"), max_length=100)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.QUARTER)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["municipality", "name"]
        constraints = [models.UniqueConstraint(fields=["municipality", "name"], name="district_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})"


class Agency(models.Model):
    class Kind(models.TextChoices):
        CITY_OFFICE = "city_office", _("City office")
        REGION = "region", _("Region")
        JOBCENTER = "jobcenter", _("Jobcenter")
        COUNSELLING_CENTRE = "counselling_centre", _("Counselling centre")
        NEIGHBOURHOOD_OFFICE = "neighbourhood_office", _("Neighbourhood office")
        NGO = "ngo", _("Non-governmental organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    municipality = models.CharField(_("municipality"), max_length=100)
    email = models.EmailField(_("functional mailbox"), blank=True)
    # Deactivating an agency cuts every access of its members at once (agencies.services).
    is_active = models.BooleanField(_("active"), default=True)
    # Some agencies must never receive case data, e.g. the auditors' own (they check, they do not work cases).
    receives_case_data = models.BooleanField(
        _("may receive case data"),
        default=True,
        help_text=_("Off for agencies that must never be given access to a case, such as the data protection office."),
    )
    # The group that object permissions on cases attach to; its members are the agency's members.
    group = models.OneToOneField(
        Group, null=True, blank=True, editable=False, on_delete=models.PROTECT, related_name="agency"
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class OrgUnit(models.Model):
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="org_units")
    code = models.CharField(_("code"), max_length=30, help_text=_('For example "OE 50.25".'))
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["agency", "code"]
        constraints = [models.UniqueConstraint(fields=["agency", "code"], name="orgunit_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Location(models.Model):
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="locations"
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["agency", "name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """One role of one user in one agency; a user with two roles has two rows. A role takes
    effect only once a second person confirmed it (agencies.services.membership_confirm): the
    agency's team lead for case roles, another administrator for privileged ones."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        ACTIVE = "active", _("Active")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT, related_name="memberships")
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Who asked for the role and who confirmed it; neither may be the member, and they differ.
    # Empty only for the system's own bootstrap (demo data, the first administrator).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["agency", "user", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique_role"),
            # Four eyes, also against the admin and the ORM: an active role that someone asked
            # for was confirmed by a second person, who is not the member either.
            models.CheckConstraint(
                condition=Q(status="pending")
                | Q(requested_by__isnull=True)
                | (
                    Q(confirmed_by__isnull=False)
                    & ~Q(confirmed_by=F("requested_by"))
                    & ~Q(confirmed_by=F("user"))
                    & ~Q(requested_by=F("user"))
                ),
                name="membership_confirmed_by_a_second_person",
            ),
        ]
        permissions = [
            ("confirm_case_role", "Can confirm case-working roles in the agency"),
            ("confirm_privileged_role", "Can confirm auditor and administrator roles"),
        ]
        indexes = [models.Index(fields=["agency", "role"], name="membership_agency_role")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency}"
