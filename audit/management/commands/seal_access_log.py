from django.core.management.base import BaseCommand

from audit.tasks import seal_access_log


class Command(BaseCommand):
    help = "Chain and seal the settled access-log entries now (beat does this every minute)."

    def handle(self, *args, **options):
        self.stdout.write(f"sealed {seal_access_log()} entries")
