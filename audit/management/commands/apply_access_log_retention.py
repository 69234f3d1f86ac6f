from django.core.management.base import BaseCommand

from audit.retention import apply_retention


class Command(BaseCommand):
    help = "Remove access-log entries past retention (whole seals); the removal is itself logged."

    def handle(self, *args, **options):
        self.stdout.write(f"removed {apply_retention()} entries")
