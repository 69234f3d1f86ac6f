"""The words of the help-offer directory: categories, target groups and languages.

Codes are stable (they travel in the HSDS exchange files as taxonomy terms); labels are
translated. The categories follow the Hannover motion's list of help a desk refers to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    VIOLENCE = "violence", _("Protection from violence")
    TRAFFICKING = "trafficking", _("Human trafficking and exploitation")
    DEBT = "debt", _("Debt counselling")
    HOUSING = "housing", _("Housing and homelessness")
    ADDICTION = "addiction", _("Addiction")
    MIGRATION = "migration", _("Migration and refuge")
    HEALTH = "health", _("Health")
    LEGAL = "legal", _("Legal aid")
    EDUCATION = "education", _("Education and participation (BuT)")
    EMPLOYMENT = "employment", _("Employment")
    FAMILY = "family", _("Family and children")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial crisis help")


class TargetGroup(models.TextChoices):
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    FAMILIES = "families", _("Families with children")
    YOUNG_PEOPLE = "young_people", _("Young people")
    OLDER_PEOPLE = "older_people", _("Older people")
    REFUGEES = "refugees", _("Refugees and migrants")
    HOMELESS = "homeless", _("People without a home")
    DISABLED = "disabled", _("People with disabilities")
    LGBTIQ = "lgbtiq", _("LGBTIQ* people")
    EVERYONE = "everyone", _("Everyone")


class Language(models.TextChoices):
    """ISO 639-1 codes: the languages counselling is offered in."""

    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")
    TURKISH = "tr", _("Turkish")
    ARABIC = "ar", _("Arabic")
    RUSSIAN = "ru", _("Russian")
    UKRAINIAN = "uk", _("Ukrainian")
    POLISH = "pl", _("Polish")
    ROMANIAN = "ro", _("Romanian")
    BULGARIAN = "bg", _("Bulgarian")
    FARSI = "fa", _("Farsi")
    KURDISH = "ku", _("Kurdish")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    SIGN = "sgn", _("German Sign Language")


class Capacity(models.TextChoices):
    AVAILABLE = "available", _("Places available")
    WAITING_LIST = "waiting_list", _("Waiting list")
    FULL = "full", _("No places at the moment")


def labels(choices, codes) -> list[str]:
    """The labels of a list of codes, in the order given (unknown codes as they are)."""
    known = dict(choices.choices)
    return [str(known.get(code, code)) for code in codes]
