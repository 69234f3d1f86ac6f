"""The retention periods Notlagen proposes (retention.kinds.DEFAULTS), unconfirmed: the real run
erases a kind only after an administrator confirmed its rule on the rules page."""

from django.db import migrations

# A copy, so that later changes of the proposals never change what this migration did.
DEFAULTS = (
    ("case_city_office", 6, "case_closed", "Empfehlung KGSt: Sozialhilfeakten 6 Jahre nach Abschluss; § 84 SGB X"),
    ("case_region", 10, "case_closed", "Jugendhilfeakten 10 Jahre nach Abschluss (Empfehlung KGSt); § 84 SGB X"),
    ("case_jobcenter", 10, "case_closed", "Aufbewahrung SGB-II-Leistungsakten 10 Jahre; § 84 SGB X"),
    ("case_counselling_centre", 3, "case_closed", "Beratungsdokumentation 3 Jahre nach Abschluss; Art. 5 Abs. 1 lit. e, Art. 17 DSGVO"),
    ("case_neighbourhood_office", 3, "case_closed", "Stadtteilarbeit 3 Jahre nach Abschluss; Art. 5 Abs. 1 lit. e, Art. 17 DSGVO"),
    ("case_ngo", 3, "case_closed", "Freie Träger 3 Jahre nach Abschluss; Art. 5 Abs. 1 lit. e, Art. 17 DSGVO"),
    ("case_other", 6, "case_closed", "§ 35 SGB I, § 84 SGB X: so lange wie für die Aufgabe erforderlich"),
    ("intake", 6, "case_closed", "Teil der Fallakte; § 84 SGB X, Art. 17 DSGVO"),
    ("notes_general", 6, "case_closed", "Teil der Fallakte; § 84 SGB X"),
    ("notes_health", 3, "case_closed", "Gesundheitsdaten (Art. 9 DSGVO): Speicherbegrenzung, Art. 5 Abs. 1 lit. e DSGVO"),
    ("notes_violence", 6, "case_closed", "Teil der Fallakte (Schutzbedarf); § 84 SGB X, Art. 9 DSGVO"),
    ("notes_residence", 3, "case_closed", "Aufenthaltsstatus (Art. 9 DSGVO): Speicherbegrenzung, Art. 5 Abs. 1 lit. e DSGVO"),
    ("notes_finances", 6, "case_closed", "Teil der Fallakte; § 84 SGB X"),
    ("documents", 6, "case_closed", "Teil der Fallakte; § 84 SGB X, Art. 17 DSGVO"),
    (
        "payments",
        10,
        "budget_year_end",
        "Haushaltsrecht: Buchungsbelege 10 Jahre nach Ablauf des Haushaltsjahres (§ 147 AO entsprechend, GemHVO)",
    ),
    ("referrals", 3, "case_closed", "Vermittlung erledigt; Art. 5 Abs. 1 lit. e DSGVO, § 84 SGB X"),
    ("conferences", 6, "case_closed", "Protokolle als Teil der Fallakte; § 84 SGB X"),
    (
        "consultations",
        2,
        "contact_recorded",
        "Verknüpfung zum Fall nur für die Nachverfolgung nötig; Art. 5 Abs. 1 lit. e DSGVO",
    ),
)


def add_defaults(apps, schema_editor):
    rule = apps.get_model("retention", "RetentionRule")
    for kind, years, counted_from, basis in DEFAULTS:
        rule.objects.update_or_create(
            record_kind=kind, defaults={"years": years, "months": 0, "counted_from": counted_from, "legal_basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_rules_holds_runs")]

    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
