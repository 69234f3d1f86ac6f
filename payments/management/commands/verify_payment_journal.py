from django.core.management.base import BaseCommand, CommandError

from payments import verification


class Command(BaseCommand):
    help = "Check that every payment and budget agrees with the append-only payment journal."

    def handle(self, *args, **options):
        result = verification.run()
        for finding in result.findings[:100]:
            self.stderr.write(finding)
        if not result.ok:
            raise CommandError(f"Payment journal check FAILED: {len(result.findings)} finding(s).")
        self.stdout.write(
            self.style.SUCCESS(
                f"Payments agree with the journal: {result.payments_checked} payments, "
                f"{result.budgets_checked} budgets checked."
            )
        )
