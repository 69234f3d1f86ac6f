"""The retention pages: who may see the rules, the review and a case's legal hold (everyone else
gets a logged 404), confirming a rule, setting and lifting holds, German errors at the field
with the input kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AccessLogEntry
from retention import job
from retention.models import LegalHold, RetentionRule

from .conftest import confirmed_device, login
from .test_retention_world import build_retention_world, years_later

pytestmark = pytest.mark.django_db

REQUIRED = "Dieses Feld ist zwingend erforderlich."


@pytest.fixture
def world(db):
    return build_retention_world()


def _as(client, world, role):
    user = world.users[role]
    login(client, user, device=confirmed_device(user) if role in ("auditor", "administrator") else None)
    return user


def _denied_once(response, user):
    assert response.status_code == 404
    denied = AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], outcome="denied")
    assert [e.actor_id for e in denied] == [user.pk]


@pytest.mark.parametrize(
    ("url_name", "role", "allowed"),
    [
        ("retention:rules", "administrator", True),
        ("retention:rules", "auditor", False),
        ("retention:rules", "team_lead", False),
        ("retention:rules", "social_worker", False),
        ("retention:review", "auditor", True),
        ("retention:review", "administrator", False),
        ("retention:review", "team_lead", False),
        ("retention:review", "clerk", False),
    ],
)
def test_who_may_see_the_rules_and_the_review(client, world, url_name, role, allowed):
    user = _as(client, world, role)
    response = client.get(reverse(url_name))
    if allowed:
        assert response.status_code == 200
    else:
        _denied_once(response, user)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("team_lead", True),
        ("social_worker", False),
        ("clerk", False),
        ("grantee_sensitive", False),  # a partner with a grant: not the owner's team lead
        ("unrelated", False),
        ("auditor", False),
    ],
)
def test_who_may_set_a_legal_hold_on_a_case(client, world, role, allowed):
    user = _as(client, world, role)
    url = reverse("retention:hold", args=[world.case.pk])
    response = client.post(url, {"reason": "Klage anhängig"})
    if allowed:
        assert response.status_code == 302
        assert LegalHold.objects.active().get(case=world.case).set_by == user
    else:
        _denied_once(response, user)
        assert not LegalHold.objects.exists()


def test_the_team_lead_sets_and_lifts_a_hold_with_german_errors(client, world):
    _as(client, world, "team_lead")
    url = reverse("retention:hold", args=[world.case.pk])
    workspace = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert url in workspace  # the link on the case
    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200 and REQUIRED in response.content.decode()
    response = client.post(url, {"reason": "Prüfung durch das Rechnungsprüfungsamt"}, follow=True)
    assert "Prüfung durch das Rechnungsprüfungsamt" in response.content.decode()
    response = client.post(url, {"lift_reason": ""})
    assert REQUIRED in response.content.decode()
    assert client.post(url, {"lift_reason": "Prüfung beendet"}).status_code == 302
    hold = LegalHold.objects.get(case=world.case)
    assert hold.lifted_at and hold.lift_reason == "Prüfung beendet"
    assert AccessLogEntry.objects.filter(object_type="legal_hold", case_ids=[world.case.pk]).count() == 2


def test_a_social_worker_sees_no_hold_link(client, world):
    _as(client, world, "social_worker")
    workspace = client.get(reverse("cases:detail", args=[world.case.pk])).content.decode()
    assert reverse("retention:hold", args=[world.case.pk]) not in workspace


def test_the_administrator_confirms_and_changes_a_rule(client, world):
    admin = _as(client, world, "administrator")
    rule = RetentionRule.objects.get(record_kind="case_city_office")
    page = client.get(reverse("retention:rules")).content.decode()
    assert "Empfehlung KGSt" in page and "ACCESS_LOG_RETENTION_YEARS" in page
    url = reverse("retention:rule_edit")
    fields = {"rule": rule.pk, "years": 6, "months": 0, "legal_basis": rule.legal_basis, "confirm": "on"}
    assert client.post(url, fields).status_code == 302
    rule.refresh_from_db()
    assert rule.confirmed_by == admin and rule.confirmed_at
    # A changed period without a new confirmation takes the confirmation back.
    assert client.post(url, {**fields, "years": 7, "confirm": ""}).status_code == 302
    rule.refresh_from_db()
    assert rule.years == 7 and rule.confirmed_at is None and rule.changed_by == admin
    # Odd input: German error at the field, the input kept.
    response = client.post(url, {**fields, "months": 12, "legal_basis": "Eigene Regel XY"})
    body = response.content.decode()
    assert response.status_code == 200 and "kleiner oder gleich 11" in body and "Eigene Regel XY" in body
    assert client.get(url + "?regel=999999").status_code == 404


def test_the_officer_reviews_the_preview_and_holds_a_case_by_its_number(client, world):
    with years_later(6, days=-10):
        job.run()
    _as(client, world, "auditor")
    response = client.get(reverse("retention:review"))
    body = response.content.decode()
    assert world.case.reference in body and world.other.reference not in body
    assert "Wohnungsnot" not in body and "Nowak" not in body  # numbers, no content
    entry = AccessLogEntry.objects.filter(request_id=response["X-Request-ID"], action="view").get()
    assert world.case.pk in entry.case_ids
    response = client.post(reverse("retention:review"), {"reference": "F-1999-999999", "reason": "Klage"})
    assert "F-1999-999999" in response.content.decode()  # kept, with the error at the field
    assert not LegalHold.objects.exists()
    response = client.post(reverse("retention:review"), {"reference": world.case.reference, "reason": ""})
    assert REQUIRED in response.content.decode()
    client.post(reverse("retention:review"), {"reference": world.case.reference, "reason": "Datenschutzprüfung"})
    assert LegalHold.objects.active().get(case=world.case).reason == "Datenschutzprüfung"


def test_the_pages_of_an_anonymised_case_still_open(client, world):
    from .test_retention_world import confirm_all

    confirm_all(world.users["administrator"])
    with years_later(7):
        job.run()
    _as(client, world, "social_worker")
    case_id = world.case.pk
    for name in ("cases:detail", "casework:timeline", "casework:tasks", "casework:documents", "casework:plan"):
        response = client.get(reverse(name, args=[case_id]))
        assert response.status_code == 200, name
        assert "Nowak" not in response.content.decode() and "Wohnungsnot" not in response.content.decode()
    for name in ("casework:risk", "payments:case", "referrals:case", "conferences:case"):
        assert client.get(reverse(name, args=[case_id])).status_code in (200, 404), name
    download = reverse("casework:document_download", args=[case_id, world.document.pk])
    assert client.get(download).status_code == 404  # file and row are gone: "not found"
