"""No form of consultation hours answers 5xx: odd input (long text, Unicode digits, huge and
negative numbers, broken dates and months, markup) posted to every route of the app, as the
agency's team lead and staff and as an outsider, one field at a time and all at once (the idiom
of tests/test_form_fuzz.py, on this app's own world)."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consultations import work
from consultations.models import ConsultationException

from .consultations_world import BERLIN, build_consultation_world
from .test_form_fuzz import ENGLISH_DEFAULTS, LIMITS, _FormValues, odd_text

pytestmark = pytest.mark.django_db
ROLES = ["lead", "staff", "city_staff"]
POST_ONLY = {
    "consultations:exception_add": ["date", "kind", "note"],
    "consultations:exception_remove": [],
    "consultations:booking_add": ["date", "starts_at", "label", "case_reference"],
    "consultations:booking_cancel": [],
}
EXTRA = ["99999999999999999999999", "2026-02-31", "٣", "<script>x</script>", "F-2026-" + "9" * 40]


def _routes() -> dict[str, str]:
    found = {}
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "consultations":
            for inner in pattern.url_patterns:
                found[f"consultations:{inner.name}"] = str(inner.pattern)
    return found


ROUTES = _routes()


@pytest.fixture(autouse=True)
def _december(db, settings):
    settings.DEMO_RELAX_SECOND_FACTOR = True
    with time_machine.travel(datetime(2026, 12, 8, 11, tzinfo=BERLIN), tick=False):
        yield


@pytest.fixture
def world(db):
    world = build_consultation_world()
    hour = world.hours["slots"]
    world.exception = ConsultationException.objects.create(hour=world.hours["walk_in"], date=date(2026, 12, 22))
    world.booking = work.booking_add(actor=world.users["staff"], hour=hour, day=date(2026, 12, 10), starts_at=time(14))
    return world


def _url(world, name: str) -> str:
    values = {
        "hour_id": world.hours["walk_in" if "exception" in name else "slots"].pk,
        "exception_id": world.exception.pk,
        "booking_id": world.booking.pk,
        "location_id": world.locations["Nordend"].pk,
    }
    return reverse(name, kwargs={k: v for k, v in values.items() if f":{k}>" in ROUTES[name]})


def _form(client, name: str, url: str) -> dict[str, list[str]]:
    if name in POST_ONLY:
        return {field: [""] for field in POST_ONLY[name]} or {"x": [""]}
    page = client.get(url)
    if page.status_code != 200 or not page.get("Content-Type", "").startswith("text/html"):
        return {"x": [""]}
    parser = _FormValues()
    parser.feed(page.content.decode())
    for unwanted in ("csrfmiddlewaretoken", "language", "next"):
        parser.values.pop(unwanted, None)
    return parser.values or {"x": [""]}


def _check(response, name, role, data) -> None:
    assert response.status_code < 500, f"{name} as {role}: {response.status_code} for {data!r}"
    html = response.get("Content-Type", "").startswith("text/html")
    if response.status_code in (200, 400, 409, 422) and html:
        text = response.content.decode()
        assert not ENGLISH_DEFAULTS.search(text), f"{name} answers in English: {ENGLISH_DEFAULTS.search(text)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ROUTES))
def test_no_form_answers_a_server_error(client, world, role, name):
    client.force_login(world.users[role], backend="agencies.backends.RoleBackend")
    url = _url(world, name)
    form = _form(client, name, url)

    @settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(field=st.sampled_from(sorted(form)), odd=odd_text, everything_odd=st.booleans())
    def post(field, odd, everything_odd):
        data = {f: (odd if everything_odd else values) for f, values in form.items()}
        data[field] = odd
        _check(client.post(url, data), name, role, data)
        _check(client.get(url, {field: odd}), name, role, {field: odd})

    post()
    for field in sorted(form):
        for odd in [*LIMITS, *EXTRA]:
            _check(client.post(url, {**form, field: odd}), name, role, {field: odd})


def test_every_route_of_the_app_is_fuzzed():
    assert len(ROUTES) == 14 and {"consultations:public", "consultations:uptake_csv"} <= set(ROUTES)
