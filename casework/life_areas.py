"""The life areas of the first conversation, declared once: what each asks, which choices it
offers and which note category (and so which scope) it belongs to. Forms, the summary, the
timeline and later reports all read this table."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.scopes import NoteCategory


class LifeArea(models.TextChoices):
    HOUSING = "housing", _("Housing")
    INCOME = "income", _("Income and benefits")
    DEBTS = "debts", _("Debts")
    RESIDENCE = "residence", _("Residence status")
    HEALTH = "health", _("Health")
    SAFETY = "safety", _("Violence, trafficking and safety")
    WORK = "work", _("Work and education")
    CHILDREN = "children", _("Children's needs")
    LANGUAGE = "language", _("Language")


class Need(models.TextChoices):
    NONE = "none", _("No need")
    SUPPORT = "support", _("Support needed")
    URGENT = "urgent", _("Urgent")
    UNCLEAR = "unclear", _("Not yet clear")


@dataclass(frozen=True)
class AreaSpec:
    area: str
    category: str
    situation_label: object = None
    situations: tuple = ()
    flag_label: object = None
    help_text: object = ""
    note_help: object = ""

    @property
    def label(self):
        return LifeArea(self.area).label

    def situation_display(self, code: str) -> str:
        return str(dict(self.situations).get(code, "")) if code else ""


AREAS: tuple[AreaSpec, ...] = (
    AreaSpec(
        LifeArea.HOUSING,
        NoteCategory.GENERAL,
        _("Where does the person live now?"),
        (
            ("own_flat", _("Own flat")),
            ("with_others", _("Staying with friends or family")),
            ("shelter", _("Emergency shelter")),
            ("womens_shelter", _("Women's shelter")),
            ("homeless", _("No accommodation")),
            ("other", _("Other")),
        ),
        _("Threat of eviction"),
        help_text=_("A threat of eviction includes a notice to quit or an eviction date (Räumungstermin)."),
    ),
    AreaSpec(
        LifeArea.INCOME,
        NoteCategory.FINANCES,
        _("Income and benefits"),
        (
            ("sgb2", _("Citizen's income (SGB II)")),
            ("sgb12", _("Social assistance (SGB XII)")),
            ("work", _("Earned income or pension")),
            ("none", _("No income")),
            ("unclear", _("Unclear")),
        ),
        _("Benefits stopped or cut"),
        help_text=_("SGB II is the citizen's income from the Jobcenter; SGB XII is social assistance from the city."),
    ),
    AreaSpec(
        LifeArea.DEBTS,
        NoteCategory.FINANCES,
        _("Debts"),
        (("none", _("No debts")), ("some", _("Debts")), ("unclear", _("Unclear"))),
        _("Rent or energy arrears"),
    ),
    AreaSpec(
        LifeArea.RESIDENCE,
        NoteCategory.RESIDENCE,
        _("Residence status"),
        (
            ("german", _("German citizen")),
            ("eu", _("EU citizen")),
            ("permit", _("Residence permit")),
            ("asylum", _("Asylum procedure")),
            ("toleration", _("Toleration (Duldung)")),
            ("none", _("No papers")),
            ("unclear", _("Unclear")),
        ),
        _("Permit expires soon"),
        help_text=_("A Duldung is a temporary suspension of deportation, not a residence permit."),
    ),
    AreaSpec(
        LifeArea.HEALTH,
        NoteCategory.HEALTH,
        _("Health insurance"),
        (("insured", _("Insured")), ("not_insured", _("Not insured")), ("unclear", _("Unclear"))),
        _("Needs medical care now"),
    ),
    AreaSpec(
        LifeArea.SAFETY,
        NoteCategory.VIOLENCE,
        _("Experience of violence"),
        (
            ("none", _("None reported")),
            ("domestic", _("Domestic violence")),
            ("other", _("Other violence")),
            ("trafficking", _("Signs of trafficking or exploitation")),
        ),
        _("In danger now"),
        help_text=_(
            "How contact may be made safely is recorded above as contact restrictions; every partner sees them."
        ),
    ),
    AreaSpec(
        LifeArea.WORK,
        NoteCategory.GENERAL,
        _("Work and education"),
        (
            ("employed", _("Employed")),
            ("unemployed", _("Unemployed")),
            ("training", _("In school or training")),
            ("unable", _("Unable to work")),
            ("other", _("Other")),
        ),
    ),
    AreaSpec(
        LifeArea.CHILDREN,
        NoteCategory.GENERAL,
        _("Education and participation package"),
        (
            ("not_relevant", _("Not relevant")),
            ("to_apply", _("Should be applied for")),
            ("applied", _("Applied for or granted")),
        ),
        _("Childcare or school place missing"),
        help_text=_(
            "The education and participation package (Bildungs- und Teilhabepaket) pays for school trips, "
            "school supplies, lunch, tutoring and clubs for children of families with benefits."
        ),
    ),
    AreaSpec(
        LifeArea.LANGUAGE,
        NoteCategory.GENERAL,
        _("German"),
        (("fluent", _("Fluent")), ("basic", _("Basic knowledge")), ("none", _("No German"))),
        _("Interpreter needed"),
        note_help=_("Which language the person speaks best."),
    ),
)
AREA_BY_CODE = {spec.area: spec for spec in AREAS}


class ContactRestriction(models.TextChoices):
    """How the person may (not) be contacted. Visible with the basic scope, because every partner
    who writes or calls must know it; the reason behind it stays in the sensitive categories."""

    NO_MAIL_HOME = "no_mail_home", _("No letters to the home address")
    NO_CALLS = "no_calls", _("No phone calls without prior agreement")
    ADDRESS_SECRET = "address_secret", _("Keep the address secret (information block)")
    VIA_COUNSELLING = "via_counselling", _("Contact only through the counselling centre")
    NO_INFO_FAMILY = "no_info_family", _("No information to partner or relatives")
