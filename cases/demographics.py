"""Demographic categories recorded for the committee's statistics: gender as the person states it
and the age band at the opening of a case. The age band is kept on the case itself, so the
statistics survive when retention erases the date of birth (retention/)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    DIVERSE = "diverse", _("Diverse")
    NONE = "none", _("No entry (stated by the person)")


class AgeBand(models.TextChoices):
    UNDER_18 = "u18", _("under 18")
    FROM_18 = "18-26", _("18 to 26")
    FROM_27 = "27-44", _("27 to 44")
    FROM_45 = "45-64", _("45 to 64")
    FROM_65 = "65+", _("65 and older")


# The lower bound of each band, oldest first.
_BAND_FLOORS = ((65, AgeBand.FROM_65), (45, AgeBand.FROM_45), (27, AgeBand.FROM_27), (18, AgeBand.FROM_18))


def age_on(birth_date: date, day: date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def age_band(birth_date: date | None, day: date) -> str:
    """The band of a person's age on `day`; "" when the date of birth is not known."""
    if birth_date is None:
        return ""
    age = age_on(birth_date, day)
    for floor, band in _BAND_FLOORS:
        if age >= floor:
            return band
    return AgeBand.UNDER_18
