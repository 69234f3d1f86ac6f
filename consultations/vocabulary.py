"""The words of consultation hours: topics, how people come, what came of a contact.

Codes are stable (they are stored and counted in the uptake report); labels are translated.
Languages reuse the directory's vocabulary (referrals.vocabulary.Language)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    BUT_EDUCATION = "but_education", _("Education and participation (BuT)")
    SGB2_BENEFITS = "sgb2_benefits", _("Citizen's benefit (SGB II)")
    WORK_TRAINING = "work_training", _("Work and training")
    DEBTS = "debts", _("Debts")
    HOUSING = "housing", _("Housing")
    RESIDENCE = "residence", _("Residence and immigration")
    FAMILY = "family", _("Family and children")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other questions")


class Mode(models.TextChoices):
    WALK_IN = "walk_in", _("Walk-in (no appointment needed)")
    SLOTS = "slots", _("Appointments in time slots")


class Outcome(models.TextChoices):
    INFORMATION = "information", _("Information given")
    APPLICATION_STARTED = "application_started", _("Application started")
    REFERRED = "referred", _("Referred to a help offer")
    APPOINTMENT_MADE = "appointment_made", _("Appointment made")


class ApplicationKind(models.TextChoices):
    BUT = "but", _("Education and participation (BuT)")
    SGB2 = "sgb2", _("Citizen's benefit (SGB II)")
    HOUSING_BENEFIT = "housing_benefit", _("Housing benefit (Wohngeld)")
    CHILD_SUPPLEMENT = "child_supplement", _("Child supplement (Kinderzuschlag)")
    OTHER = "other", _("Other application")


class ExceptionKind(models.TextChoices):
    CANCELLED = "cancelled", _("Cancelled")
    HOLIDAY = "holiday", _("Holiday or closing day")


class HolidayRegion(models.TextChoices):
    """The German states (ISO 3166-2:DE codes, as the `holidays` package names them): whose
    public holidays a consultation hour skips."""

    BW = "BW", _("Baden-Württemberg")
    BY = "BY", _("Bavaria")
    BE = "BE", _("Berlin")
    BB = "BB", _("Brandenburg")
    HB = "HB", _("Bremen")
    HH = "HH", _("Hamburg")
    HE = "HE", _("Hesse")
    MV = "MV", _("Mecklenburg-Western Pomerania")
    NI = "NI", _("Lower Saxony")
    NW = "NW", _("North Rhine-Westphalia")
    RP = "RP", _("Rhineland-Palatinate")
    SL = "SL", _("Saarland")
    SN = "SN", _("Saxony")
    ST = "ST", _("Saxony-Anhalt")
    SH = "SH", _("Schleswig-Holstein")
    TH = "TH", _("Thuringia")


def labels(choices, codes) -> list[str]:
    """The labels of a list of codes, in the order of the vocabulary (unknown codes dropped)."""
    wanted = set(codes or ())
    return [str(label) for code, label in choices.choices if code in wanted]
