import getpass

from django.core.management.base import BaseCommand, CommandError

from audit import verification


class Command(BaseCommand):
    help = "Verify the access log's hash chain; name the first entry changed, removed or inserted out of order."

    def add_arguments(self, parser):
        parser.add_argument("--from-id", type=int, help="first entry id of the range to check")
        parser.add_argument("--to-id", type=int, help="last entry id of the range to check")

    def handle(self, *args, from_id=None, to_id=None, **options):
        # Run from a shell: named by the operating-system user, not by an account.
        result = verification.run(first_id=from_id, last_id=to_id, by_name=getpass.getuser())
        if not result.ok:
            raise CommandError(f"Access log NOT intact: {result.finding} ({result.entries_checked} entries checked).")
        self.stdout.write(self.style.SUCCESS(f"Access log intact: {result.entries_checked} sealed entries checked."))
