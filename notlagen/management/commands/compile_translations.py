"""Compile the gettext catalogues (.po -> .mo) in pure Python, so a fresh machine needs no
GNU gettext to run the app; `make messages` (which does need gettext) updates the .po files."""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile all .po catalogues under LOCALE_PATHS into .mo files."

    def handle(self, *args, **options):
        compiled = 0
        for locale_dir in map(Path, settings.LOCALE_PATHS):
            for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
                try:
                    catalogue = polib.pofile(str(po_path))
                except OSError as exc:
                    raise CommandError(f"Cannot read {po_path}: {exc}") from exc
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
                self.stdout.write(f"compiled {po_path} ({catalogue.percent_translated()}% translated)")
        if not compiled:
            raise CommandError("No .po catalogue found under LOCALE_PATHS.")
