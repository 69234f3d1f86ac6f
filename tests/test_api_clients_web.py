"""An agency's administrator manages its partner clients and keys on the web: registers a client
whose roles wait for a second person, issues a key shown once (and working against the API),
rotates it with an overlap, revokes it, deactivates the client. Everyone else — another
agency's administrator, a social worker, an auditor — gets 404 on every page and action, and
nothing changes. Bad input keeps the input, names the field and saves nothing."""

from datetime import timedelta
from html import unescape

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from agencies.models import Membership
from agencies.roles import Role
from api.models import ApiClient, ApiKey
from api.services import client_bootstrap, key_issue
from audit.models import AccessLogEntry

from .conftest import confirmed_device, login
from .factories import AgencyFactory, member

pytestmark = pytest.mark.django_db

LIST = "/api-zugaenge/"
CREATE = "/api-zugaenge/neu/"
CASES_API = "/api/v1/cases/"


def _detail(client) -> str:
    return f"/api-zugaenge/{client.pk}/"


def _client_for(user) -> Client:
    browser = Client()
    device = confirmed_device(user) if user.memberships.filter(role__in=[Role.ADMINISTRATOR, Role.AUDITOR]) else None
    login(browser, user, device=device)
    return browser


def _api(whole_key: str) -> int:
    return Client().get(CASES_API, HTTP_AUTHORIZATION=f"Api-Key {whole_key}").status_code


def _whole_key(response) -> str:
    html = response.content.decode()
    start = html.index('id="api-key" value="') + len('id="api-key" value="')
    return html[start : html.index('"', start)]


@pytest.fixture
def admin(administrator):
    return _client_for(administrator)


@pytest.fixture
def own(agency, administrator):
    return client_bootstrap(
        agency=agency, name="Fachverfahren Jobcenter", roles=[Role.SOCIAL_WORKER], created_by=administrator
    )


@pytest.fixture
def foreign(db):
    other = AgencyFactory(name="Stadt Offenbach am Main – Sozialamt")
    creator = member(Role.ADMINISTRATOR, other, username="admin-offenbach")
    client = client_bootstrap(agency=other, name="Beratungssoftware", roles=[Role.PARTNER_STAFF], created_by=creator)
    key, _whole = key_issue(actor=creator, client=client)
    return client, key, creator


def test_register_confirm_issue_and_use_a_key(admin, agency, team_lead, settings):
    settings.SITE_URL = "https://notlagen.example"
    response = admin.post(
        CREATE, {"name": "Fachverfahren Jobcenter", "roles": [Role.SOCIAL_WORKER], "allowed_networks": ""}
    )
    assert response.status_code == 302
    client = ApiClient.objects.get()
    assert response["Location"] == _detail(client)
    assert client.agency == agency and client.account.api_client == client
    membership = Membership.objects.get(user=client.account)
    assert membership.role == Role.SOCIAL_WORKER and membership.status == Membership.Status.PENDING
    page = admin.get(_detail(client))
    assert page.status_code == 200 and 'class="kern-alert kern-alert--info"' in page.content.decode()

    # A second person, the agency's team lead, confirms on the existing roles page.
    lead = _client_for(team_lead)
    assert lead.post(f"/rollen/{membership.pk}/", {"decision": "confirm"}).status_code == 302
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ACTIVE and membership.confirmed_by == team_lead

    response = admin.post(_detail(client) + "schluessel/", {"valid_until": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    whole = _whole_key(response)
    key = ApiKey.objects.get(client=client)
    assert whole.startswith(f"nlk_{key.prefix}_") and key.digest not in whole
    curl = f'curl -H "Authorization: Api-Key {whole}" https://notlagen.example/api/v1/cases/'
    assert curl in unescape(response.content.decode())
    assert _api(whole) == 200
    key.refresh_from_db()
    assert key.last_used_at is not None and key.last_used_address == "127.0.0.1"

    # Shown once: no later page carries the key.
    detail = admin.get(_detail(client)).content.decode()
    assert whole not in detail and key.prefix in detail and "127.0.0.1" in detail
    assert whole not in admin.get(LIST).content.decode()
    assert not AccessLogEntry.objects.filter(purpose__contains=whole).exists()


def test_the_list_shows_roles_keys_and_state_of_the_own_agency_only(admin, administrator, own, foreign):
    pending = client_bootstrap(agency=own.agency, name="Wartend", roles=[], created_by=administrator)
    Membership.objects.create(user=pending.account, agency=own.agency, role=Role.CLERK, requested_by=administrator)
    key_issue(actor=administrator, client=own)
    html = admin.get(LIST).content.decode()
    assert own.name in html and pending.name in html and own.agency.name in html
    assert foreign[0].name not in html and foreign[0].agency.name not in html
    row = html[html.index(f'id="client-{pending.pk}"') :]
    row = row[: row.index("</tr>")]
    assert str(Role.CLERK.label) in row and "kern-badge--info" in row  # awaiting confirmation
    row = html[html.index(f'id="client-{own.pk}"') :]
    row = row[: row.index("</tr>")]
    assert str(Role.SOCIAL_WORKER.label) in row and "kern-badge--success" in row
    assert '<td class="kern-table__cell kern-table__cell--numeric">1</td>' in row
    entry = AccessLogEntry.objects.filter(object_type="api_client", action="list").latest("pk")
    assert sorted(entry.object_ids) == sorted([own.pk, pending.pk]) and entry.agency_id == own.agency_id


def test_rotation_keeps_the_old_key_within_the_overlap(admin, administrator, own):
    old, old_whole = key_issue(actor=administrator, client=own)
    response = admin.post(_detail(own) + f"schluessel/{old.pk}/erneuern/", {"overlap_hours": "24"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    new_whole = _whole_key(response)
    assert new_whole != old_whole
    assert _api(old_whole) == 200 and _api(new_whole) == 200
    old.refresh_from_db()
    assert timedelta(hours=23) < old.expires_at - timezone.now() <= timedelta(hours=24)
    assert new_whole not in admin.get(_detail(own)).content.decode()
    # Once the overlap is over, only the new key works.
    ApiKey.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _api(old_whole) == 401 and _api(new_whole) == 200


def test_rotation_without_overlap_ends_the_old_key_at_once(admin, administrator, own):
    old, old_whole = key_issue(actor=administrator, client=own)
    response = admin.post(_detail(own) + f"schluessel/{old.pk}/erneuern/", {"overlap_hours": "0"})
    assert _api(old_whole) == 401 and _api(_whole_key(response)) == 200


def test_revoke_and_deactivate_end_the_keys(admin, administrator, own):
    first, first_whole = key_issue(actor=administrator, client=own)
    second, second_whole = key_issue(actor=administrator, client=own)
    assert admin.post(_detail(own) + f"schluessel/{first.pk}/widerrufen/").status_code == 302
    assert _api(first_whole) == 401 and _api(second_whole) == 200
    # Deactivation asks for a confirmation first.
    response = admin.post(_detail(own) + "deaktivieren/", {})
    assert response.status_code == 400 and 'id="deactivate-confirm-error"' in response.content.decode()
    assert _api(second_whole) == 200
    assert admin.post(_detail(own) + "deaktivieren/", {"confirm": "on"}).status_code == 302
    own.refresh_from_db()
    assert not own.is_active and own.deactivated_at is not None
    assert _api(second_whole) == 401
    html = admin.get(_detail(own)).content.decode()
    assert "schluessel/" not in html  # no key can be issued or rotated any more
    # A second deactivation changes nothing, not even the date.
    deactivated_at = own.deactivated_at
    admin.post(_detail(own) + "deaktivieren/", {"confirm": "on"})
    own.refresh_from_db()
    assert own.deactivated_at == deactivated_at


def _every_request(client, key):
    base = _detail(client)
    return [
        ("get", LIST, None),
        ("get", CREATE, None),
        ("get", base, None),
        ("get", base + "bearbeiten/", None),
        ("post", base + "bearbeiten/", {"name": "Übernommen", "allowed_networks": ""}),
        ("post", base + "schluessel/", {}),
        ("post", base + f"schluessel/{key.pk}/erneuern/", {"overlap_hours": "1"}),
        ("post", base + f"schluessel/{key.pk}/widerrufen/", {}),
        ("post", base + "deaktivieren/", {"confirm": "on"}),
    ]


def _assert_untouched(client, key):
    client.refresh_from_db()
    key.refresh_from_db()
    assert client.is_active and client.name != "Übernommen" and key.revoked_at is None and key.expires_at is None
    assert ApiKey.objects.filter(client=client).count() == 1


@pytest.mark.parametrize("who", ["other_administrator", "social_worker", "auditor", "team_lead"])
def test_everyone_but_the_agencys_administrator_gets_404(who, agency, administrator, own, foreign):
    key, _whole = key_issue(actor=administrator, client=own)
    users = {
        "other_administrator": foreign[2],
        "social_worker": member(Role.SOCIAL_WORKER, agency),
        "auditor": member(Role.AUDITOR),
        "team_lead": member(Role.TEAM_LEAD, agency),
    }
    browser = _client_for(users[who])
    for method, url, data in _every_request(own, key):
        if who == "other_administrator" and url in (LIST, CREATE):
            continue  # their own agency's list and form; tested below
        assert getattr(browser, method)(url, data or {}).status_code == 404, (method, url)
    _assert_untouched(own, key)
    assert AccessLogEntry.objects.filter(outcome="denied", actor_id=users[who].pk).exists()


def test_another_agencys_administrator_sees_only_their_own(foreign, own):
    client, key, their_admin = foreign
    browser = _client_for(their_admin)
    html = browser.get(LIST).content.decode()
    assert client.name in html and own.name not in html
    assert "API-Zugänge" in html or "API clients" in html  # the navigation entry
    # A key of another client under one's own client's address is not found either.
    own_key, _whole = key_issue(actor=own.created_by, client=own)
    assert browser.post(_detail(client) + f"schluessel/{own_key.pk}/widerrufen/").status_code == 404
    own_key.refresh_from_db()
    assert own_key.revoked_at is None


def test_a_missing_client_looks_like_a_foreign_one(admin):
    assert admin.get("/api-zugaenge/999999/").status_code == 404
    assert admin.post("/api-zugaenge/999999/schluessel/").status_code == 404


def test_a_social_worker_sees_no_navigation_entry(client, social_worker):
    login(client, social_worker)
    assert "/api-zugaenge/" not in client.get("/").content.decode()


def _counts():
    return ApiClient.objects.count(), User.objects.count(), Membership.objects.count()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "roles": [Role.CLERK]}, "name"),
        ({"name": "x" * 121, "roles": [Role.CLERK]}, "name"),
        ({"name": "Neu", "roles": []}, "roles"),
        ({"name": "Neu", "roles": [Role.ADMINISTRATOR]}, "roles"),
        ({"name": "Neu", "roles": [Role.AUDITOR, Role.CLERK]}, "roles"),
        ({"name": "Neu", "roles": [Role.CLERK], "allowed_networks": "10.0.0.0/8\n300.1.2.3"}, "allowed_networks"),
        ({"name": "Fachverfahren Jobcenter", "roles": [Role.CLERK]}, "name"),  # taken
    ],
)
def test_bad_input_keeps_the_input_and_saves_nothing(admin, own, data, field):
    before = _counts()
    response = admin.post(CREATE, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="id_{field}-error"' in html
    if data["name"] and len(data["name"]) <= 120:
        assert f'value="{data["name"]}"' in html
    if "allowed_networks" in data:
        assert "300.1.2.3" in html
    if Role.CLERK in data["roles"]:
        assert f'value="{Role.CLERK}" checked' in html
    assert _counts() == before


def test_german_messages_at_the_fields(admin):
    # German is the default language; the messages are those of the catalogue (or, until the
    # new strings are translated, their source text) and never Django's English defaults.
    html = admin.post(CREATE, {"name": "", "roles": []}).content.decode()
    assert "Bitte geben Sie einen Namen ein." in html or "Please enter a name." in html
    assert "This field is required" not in html


def test_rotation_and_issue_refuse_bad_input_at_the_field(admin, administrator, own):
    key, _whole = key_issue(actor=administrator, client=own)
    for overlap in ("721", "-1", "zwei", ""):
        response = admin.post(_detail(own) + f"schluessel/{key.pk}/erneuern/", {"overlap_hours": overlap})
        html = response.content.decode()
        assert response.status_code == 400 and f'id="key-{key.pk}-overlap_hours-error"' in html, overlap
        assert f'value="{overlap}"' in html or not overlap
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = admin.post(_detail(own) + "schluessel/", {"valid_until": yesterday})
    assert response.status_code == 400 and 'id="issue-valid_until-error"' in response.content.decode()
    key.refresh_from_db()
    assert ApiKey.objects.filter(client=own).count() == 1 and key.expires_at is None


def test_a_key_with_an_expiry_date(admin, own):
    day = timezone.localdate() + timedelta(days=30)
    response = admin.post(_detail(own) + "schluessel/", {"valid_until": day.isoformat()})
    assert response.status_code == 200
    key = ApiKey.objects.get(client=own)
    assert timezone.localtime(key.expires_at).date() == day + timedelta(days=1)
    assert _api(_whole_key(response)) == 200


def test_edit_name_and_addresses(admin, own):
    response = admin.post(
        _detail(own) + "bearbeiten/", {"name": "Jobcenter (neu)", "allowed_networks": "203.0.113.0/24\n2001:db8::/32"}
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.name == "Jobcenter (neu)" and own.allowed_networks == "203.0.113.0/24\n2001:db8::/32"
    assert "203.0.113.0/24" in admin.get(_detail(own)).content.decode()
    response = admin.post(_detail(own) + "bearbeiten/", {"name": "Anders", "allowed_networks": "kein Netz"})
    assert response.status_code == 400 and 'id="id_allowed_networks-error"' in response.content.decode()
    assert "kein Netz" in response.content.decode()
    own.refresh_from_db()
    assert own.name == "Jobcenter (neu)"


def test_an_address_outside_the_allow_list_is_refused(admin, administrator, own):
    _key, whole = key_issue(actor=administrator, client=own)
    admin.post(_detail(own) + "bearbeiten/", {"name": own.name, "allowed_networks": "203.0.113.0/24"})
    assert _api(whole) == 401
    admin.post(_detail(own) + "bearbeiten/", {"name": own.name, "allowed_networks": "127.0.0.0/8"})
    assert _api(whole) == 200


def test_the_list_needs_a_constant_number_of_queries(admin, administrator, agency, django_assert_max_num_queries):
    def add(n):
        client = client_bootstrap(agency=agency, name=f"Partner {n}", roles=[Role.CLERK], created_by=administrator)
        Membership.objects.create(
            user=client.account, agency=agency, role=Role.SOCIAL_WORKER, requested_by=administrator
        )
        key_issue(actor=administrator, client=client)

    for n in range(2):
        add(n)
    admin.get(LIST)  # warm the session
    with django_assert_max_num_queries(20) as few:
        assert admin.get(LIST).status_code == 200
    for n in range(2, 14):
        add(n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin.get(LIST)
    assert response.status_code == 200 and "Partner 13" in response.content.decode()


def test_the_detail_needs_a_constant_number_of_queries(admin, administrator, own, django_assert_max_num_queries):
    key_issue(actor=administrator, client=own)
    admin.get(_detail(own))
    with django_assert_max_num_queries(25) as few:
        admin.get(_detail(own))
    for _n in range(8):
        key_issue(actor=administrator, client=own)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert admin.get(_detail(own)).status_code == 200
