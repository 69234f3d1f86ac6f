"""The kinds of record that have a retention period, the events a period is counted from, and
the periods Notlagen proposes (an administrator confirms or changes them).

The case model has no case type; what decides how long a case file is kept is the law the owning
agency works under. So the case file's period is set per kind of owning agency
(agencies.Agency.Kind): a city's social services office keeps social assistance files, the
Region (youth welfare office in the Region Hannover) youth welfare files, and so on. A case
file's parts (first conversation, notes, documents, referrals, conference minutes) may have a
shorter period of their own; they are anonymised at the latest together with the case file.
Financial records follow budget law only and are never shortened by the case file."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordKind(models.TextChoices):
    CASE_CITY_OFFICE = "case_city_office", _("Case file (city office)")
    CASE_REGION = "case_region", _("Case file (region, youth welfare)")
    CASE_JOBCENTER = "case_jobcenter", _("Case file (Jobcenter)")
    CASE_COUNSELLING = "case_counselling_centre", _("Case file (counselling centre)")
    CASE_NEIGHBOURHOOD = "case_neighbourhood_office", _("Case file (neighbourhood office)")
    CASE_NGO = "case_ngo", _("Case file (non-governmental organisation)")
    CASE_OTHER = "case_other", _("Case file (other agency)")
    INTAKE = "intake", _("First-conversation answers")
    NOTES_GENERAL = "notes_general", _("Notes: general")
    NOTES_HEALTH = "notes_health", _("Notes: health")
    NOTES_VIOLENCE = "notes_violence", _("Notes: violence / trafficking")
    NOTES_RESIDENCE = "notes_residence", _("Notes: residence status")
    NOTES_FINANCES = "notes_finances", _("Notes: finances")
    DOCUMENTS = "documents", _("Documents")
    PAYMENTS = "payments", _("Payments and payment journal")
    REFERRALS = "referrals", _("Referrals")
    CONFERENCES = "conferences", _("Case conference minutes")
    CONSULTATIONS = "consultations", _("Consultation-hour contacts and bookings")


class CountedFrom(models.TextChoices):
    CASE_CLOSED = "case_closed", _("Case closed")
    BUDGET_YEAR_END = "budget_year_end", _("End of the budget year of booking")
    CONTACT_RECORDED = "contact_recorded", _("Contact recorded (date of the contact)")


# Agency.Kind -> the case-file rule of cases that agency owns.
CASE_FILE_KIND = {
    "city_office": RecordKind.CASE_CITY_OFFICE,
    "region": RecordKind.CASE_REGION,
    "jobcenter": RecordKind.CASE_JOBCENTER,
    "counselling_centre": RecordKind.CASE_COUNSELLING,
    "neighbourhood_office": RecordKind.CASE_NEIGHBOURHOOD,
    "ngo": RecordKind.CASE_NGO,
    "other": RecordKind.CASE_OTHER,
}
CASE_FILE_KINDS = frozenset(CASE_FILE_KIND.values())
NOTE_KINDS = {
    "general": RecordKind.NOTES_GENERAL,
    "health": RecordKind.NOTES_HEALTH,
    "violence": RecordKind.NOTES_VIOLENCE,
    "residence": RecordKind.NOTES_RESIDENCE,
    "finances": RecordKind.NOTES_FINANCES,
}
# The parts of a case file, anonymised when their own period is up or with the case file.
CASE_PARTS = (
    RecordKind.INTAKE,
    *NOTE_KINDS.values(),
    RecordKind.DOCUMENTS,
    RecordKind.REFERRALS,
    RecordKind.CONFERENCES,
)
# What the marks call the case file itself, whatever the agency kind.
CASE_FILE = "case_file"
PERSON = "person"
# The proposed periods and the rules they rest on: migration 0003_default_rules.
