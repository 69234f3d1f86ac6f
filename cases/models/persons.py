"""Persons (clients) and the duplicate checks run on them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from access.reporting import ReportingQuerySet
from agencies.models import Agency

from ..demographics import Gender


class Person(models.Model):
    """A client. Pseudonymous mode: only an alias, no real name yet (anonymous counselling);
    the real name can be added later."""

    given_name = models.CharField(_("given name"), max_length=100, blank=True)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    alias = models.CharField(_("alias"), max_length=100, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    # As the person states it; "" = not recorded. Only the committee's statistics read it. The
    # database default lets bulk loads (COPY in the benchmarks, the demo history) leave it out.
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True, default="", db_default="")
    # Kölner Phonetik of the names, for the duplicate check across agencies.
    family_phonetic = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    given_phonetic = models.CharField(max_length=100, blank=True, editable=False)
    owner_agency = models.ForeignKey(
        Agency, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="registered_persons"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    objects = ReportingQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [
            models.Index(fields=["birth_date"], name="person_birth_date"),
            # The duplicate check and the auditors' search look an alias up case-insensitively.
            models.Index(Upper("alias"), name="person_alias_upper"),
        ]
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
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    # A token opens one request or one emergency access, once.
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"match {self.pk}"
