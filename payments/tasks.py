"""Periodic job of financial help: the daily check that payments and budgets agree with the journal."""

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from . import verification


@shared_task(name="payments.tasks.verify_payment_journal")
def verify_payment_journal() -> bool:
    from audit.alerts import alert

    result = verification.run()
    if not result.ok:
        # The subject is rendered in each auditor's language; the findings come with the command.
        alert(
            "audit.payment_journal",
            _("Payments or budgets disagree with the payment journal (run verify_payment_journal)"),
            reference="payment-journal",
        )
    return result.ok
