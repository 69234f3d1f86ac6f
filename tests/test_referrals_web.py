"""Referral pages as each side uses them: the case tab and the form (bad input at the field,
nothing saved), the receiver's inbox and answer, the case opening and closing with the grant,
the slip, and the refusals that look like "not found"."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry
from referrals.models import Referral, Status

from .conftest import login
from .referrals_world import build_referral_world, refer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_referral_world()


def _form(world, **changes):
    data = {
        "purpose": "Beratung und Schutzplanung",
        "scope": "collaborate",
        "legal_basis": f"consent:{world.consent.pk}",
        "urgency": "soon",
        "respond_by": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "message": "Bitte Rückruf vormittags.",
        "send": "1",
    }
    data.update(changes)
    return data


def _create_url(world, offer=None):
    return reverse("referrals:create", args=[world.case.pk]) + f"?angebot={(offer or world.offer).pk}"


def test_the_worker_refers_from_the_case_and_the_centre_accepts(client, world):
    login(client, world.users["worker"])
    assert client.get(reverse("referrals:case", args=[world.case.pk])).status_code == 200
    assert client.get(_create_url(world)).status_code == 200
    response = client.post(_create_url(world), _form(world))
    referral = Referral.objects.get()
    assert response.status_code == 302 and referral.status == Status.SENT
    client.logout()

    login(client, world.users["counsellor"])
    inbox = client.get(reverse("referrals:inbox"))
    assert world.case.reference in inbox.content.decode()
    page = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert page.status_code == 200 and "Bitte Rückruf vormittags." in page.content.decode()
    case_url = reverse("cases:detail", args=[world.case.pk])
    assert client.get(case_url).status_code == 404
    accepted = client.post(
        reverse("referrals:act", args=[referral.pk, "annehmen"]), {"annehmen-version": referral.version}
    )
    assert accepted.status_code == 302
    assert client.get(case_url).status_code == 200
    contact = client.post(
        reverse("referrals:act", args=[referral.pk, "erstkontakt"]),
        {"erstkontakt-version": referral.version + 1, "erstkontakt-on": timezone.localdate().isoformat()},
    )
    assert contact.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.FIRST_CONTACT


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"legal_basis": ""}, "legal_basis", "genau eine Rechtsgrundlage"),
        ({"respond_by": "2020-01-01"}, "respond_by", "in der Vergangenheit"),
        ({"purpose": ""}, "purpose", "Zweck"),
    ],
)
def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(client, world, changes, field, message):
    login(client, world.users["worker"])
    response = client.post(_create_url(world), _form(world, **changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    assert form["message"].value() == "Bitte Rückruf vormittags."  # the input is kept
    assert not Referral.objects.exists()


def test_a_consent_that_does_not_cover_the_receiving_agency_is_refused(client, world):
    from referrals.models import Offer, OfferLocation, Provider

    other = Provider.objects.create(name="Andere Stelle e. V.", agency=world.agencies["other"])
    offer = Offer.objects.create(provider=other, name="Andere Beratung", category="debt")
    OfferLocation.objects.create(offer=offer, street="Weg 2", postal_code="30159", city="Hannover")
    login(client, world.users["worker"])
    response = client.post(_create_url(world, offer), _form(world))
    assert response.status_code == 400
    assert "umfasst diesen Träger nicht" in " ".join(response.context["form"].errors["legal_basis"])
    assert not Referral.objects.exists()


def test_others_see_nothing_and_refusals_look_like_not_found(client, world):
    referral = refer(world)
    detail = reverse("referrals:detail", args=[referral.pk])
    for name in ("other", "clerk", "editor"):
        client.logout()
        login(client, world.users[name])
        assert client.get(detail).status_code == 404
        assert client.post(reverse("referrals:act", args=[referral.pk, "annehmen"])).status_code == 404
        assert client.get(reverse("referrals:slip", args=[referral.pk])).status_code == 404
        assert client.get(reverse("referrals:case", args=[world.case.pk])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[999999])).status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.SENT
    denied = AccessLogEntry.objects.filter(object_type="referral", outcome="denied")
    assert denied.exists()


def test_the_receiver_cannot_take_the_referrers_steps(client, world):
    referral = refer(world)
    login(client, world.users["counsellor"])
    response = client.post(reverse("referrals:act", args=[referral.pk, "zurueckziehen"]), {"zurueckziehen-note": "x"})
    assert response.status_code == 404
    assert client.get(reverse("referrals:slip", args=[referral.pk])).status_code == 404


def test_a_stale_answer_is_detected(client, world):
    referral = refer(world)
    login(client, world.users["counsellor"])
    seen = referral.version
    client.post(
        reverse("referrals:act", args=[referral.pk, "ablehnen"]),
        {"ablehnen-version": seen, "ablehnen-outcome": "no_capacity"},
    )
    response = client.post(reverse("referrals:act", args=[referral.pk, "annehmen"]), {"annehmen-version": seen})
    # Declined meanwhile: accepting is no longer offered at all.
    assert response.status_code == 404
    referral.refresh_from_db()
    assert referral.status == Status.DECLINED


def test_slip_for_an_external_provider_shows_only_what_is_shared(client, world):
    referral = refer(world, offer=world.external_offer, scope="basic")
    login(client, world.users["worker"])
    response = client.get(reverse("referrals:slip", args=[referral.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def _offers(world, count):
    from referrals.models import Offer

    provider = world.offer.provider
    return [Offer.objects.create(provider=provider, name=f"Angebot {i} {count}", category="debt") for i in range(count)]


def test_inbox_and_outgoing_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    for offer in _offers(world, 3):
        refer(world, offer=offer)
    login(client, world.users["counsellor"])
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("referrals:inbox"))
    for offer in _offers(world, 12)[3:]:
        refer(world, offer=offer)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("referrals:inbox")).status_code == 200
    client.logout()
    login(client, world.users["worker"])
    with django_assert_max_num_queries(25):
        assert client.get(reverse("referrals:outgoing") + "?status=alle").status_code == 200
