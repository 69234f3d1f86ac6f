"""Webhooks in the browser, as an agency's administrator sets one up: register a partner
system's endpoint, copy the secret shown once, send a test event and find it in the delivery
log; a real receiver verifies it with the copied secret. axe-core on every page; screenshots
under var/screenshots/ (webhooks.png: the delivery log)."""

import re

import pytest
from playwright.sync_api import expect

from agencies.roles import Role

from .factories import PASSWORD, AgencyFactory, member
from .test_browser import assert_accessible, enrol_second_factor
from .webhook_receiver import running_receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def administrator(transactional_db):
    agency = AgencyFactory(name="Landeshauptstadt Hannover – Hilfen für Menschen in Notlagen")
    return member(Role.ADMINISTRATOR, agency, username="webhookadmin", is_staff=True)


def _log_in(page, user) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/anmelden/"))
    page.get_by_label("Benutzername").fill(user.username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    enrol_second_factor(page)
    expect(page).to_have_url(re.compile(r"/$"))


def test_administrator_registers_an_endpoint_and_reads_its_delivery_log(page, administrator):
    from notifications.tasks import sweep_outbox

    with running_receiver() as receiver:
        _log_in(page, administrator)
        page.goto("/benachrichtigungen/webhooks/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Partnersysteme (Webhooks)")
        assert_accessible(page, "webhooks-list-empty")

        page.get_by_role("link", name="Empfänger einrichten").click()
        page.get_by_label("Adresse des Partnersystems").fill(receiver.url)
        page.get_by_label("Vermittlung angenommen").check()
        page.get_by_label("Vermittlung abgelehnt").check()
        assert_accessible(page, "webhooks-form")
        page.get_by_role("button", name="Empfänger einrichten").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Empfänger eingerichtet")
        expect(page.get_by_text("nur dieses eine Mal")).to_be_visible()
        secret = page.get_by_label("Signaturschlüssel").input_value()
        assert secret.startswith("whsec_")
        receiver.secret = secret  # the partner enters the copied secret
        assert_accessible(page, "webhooks-secret")

        page.get_by_role("link", name="Zum Empfänger und seinem Zustellprotokoll").click()
        expect(page.get_by_role("heading", name="Zustellprotokoll")).to_be_visible()
        assert secret not in page.content()
        page.get_by_role("button", name="Testereignis senden").click()
        expect(page.get_by_text("Ein Testereignis ist unterwegs.")).to_be_visible()

        sweep_outbox()  # no worker in this test: the sweep delivers
        page.reload()
        row = page.locator("tbody tr").first
        expect(row).to_contain_text("Testereignis")
        expect(row).to_contain_text("zugestellt")
        assert_accessible(page, "webhooks")
        (payload,) = receiver.accepted
        assert payload["type"] == "webhook.test"

        page.get_by_role("link", name="Partnersysteme (Webhooks)").click()
        expect(page.get_by_role("cell", name=receiver.url)).to_be_visible()
        expect(page.get_by_role("cell", name="Vermittlung angenommen, Vermittlung abgelehnt")).to_be_visible()
        assert_accessible(page, "webhooks-list")
