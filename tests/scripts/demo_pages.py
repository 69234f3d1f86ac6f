"""Run by tests/test_demo_on_sqlite.py in a subprocess with the demo's own settings (SQLite, the
embedded broker): load the demo data and open the main pages as each demo role. Prints one line
per page that answered 500 or more, and "ok" at the end."""

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from cases.models import Case  # noqa: E402
from conferences.models import Conference  # noqa: E402
from networks.models import Network  # noqa: E402

# The demo serves its static files from the manifest, as `make demo` collects them.
call_command("collectstatic", interactive=False, verbosity=0)
call_command("migrate", verbosity=0)
call_command("load_demo_data", verbosity=0)
lorenz = Case.objects.get(person__family_name="Lorenz").pk
albrecht = Case.objects.get(person__family_name="Albrecht").pk
conference = Conference.objects.get(case_id=albrecht).pk
nowak = Case.objects.get(person__family_name="Nowak").pk
network = Network.objects.get()
meeting = network.meetings.order_by("starts_at").first().pk
PAGES = [
    "/",
    "/faelle/",
    f"/faelle/{lorenz}/",
    f"/faelle/{lorenz}/vermittlungen/",
    "/hilfeangebote/",
    "/hilfeangebote/?category=violence&open_now=on&language=pl&q=Beratung",
    "/hilfeangebote/drucken/",
    "/hilfeangebote/drucken.pdf",
    "/hilfeangebote/bestand/",
    "/hilfeangebote/bestand/?municipality=Offenbach+am+Main&target_group=women",
    "/hilfeangebote/bestand.pdf",
    "/hilfeangebote/bestand.csv",
    "/hilfeangebote/austausch/",
    "/hilfeangebote/export.json",
    "/hilfeangebote/export.zip",
    "/vermittlungen/eingang/",
    "/vermittlungen/ausgang/?status=alle",
    "/zahlungen/",
    "/zahlungen/budgets/",
    "/benachrichtigungen/webhooks/",
    "/sprechstunden/",
    "/sprechstunden/verwalten/",
    "/sprechstunden/auswertung/",
    "/fallkonferenzen/",
    f"/faelle/{albrecht}/fallkonferenzen/",
    f"/fallkonferenzen/{conference}/",
    f"/faelle/{nowak}/gefaehrdung/",
    f"/faelle/{nowak}/verlauf/",
    "/netzwerke/",
    f"/netzwerke/{network.pk}/",
    f"/netzwerktreffen/{meeting}/",
]
failures = 0
for username in (
    "sozialarbeit",
    "sachbearbeitung",
    "teamleitung",
    "beratung",
    "jobcenter",
    "angebote",
    "mainarbeit",
    "admin",
):
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=username), backend="agencies.backends.RoleBackend")
    for url in PAGES:
        status = client.get(url).status_code
        if status >= 500:
            failures += 1
            print(f"{username} {url} {status}")
print("ok" if not failures else f"{failures} failed")
