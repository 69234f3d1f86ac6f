"""Network meetings speak German: the anonymity warning, errors at the field, the navigation
entry. These assertions need the translations of /work/notes/translations_networks.json merged
into locale/ (the lead merges them)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django.utils.translation import override

from networks import services

from .conftest import login
from .test_networks_services import NetworkWorld, begun, plan

pytestmark = pytest.mark.django_db


def test_the_anonymity_warning_in_german():
    world = NetworkWorld()
    meeting = begun(plan(world))
    with override("de"), pytest.raises(services.NamesFound) as caught:
        services.minutes_finalise(
            actor=world.users["sw"], side=world.side(), meeting_id=meeting.pk, text="Frau Nowak", version=1
        )
    assert caught.value.message_dict["minutes"] == [
        "Das Protokoll nennt einen Namen, der in einer Ihnen zugänglichen Akte vorkommt: „Nowak“. "
        "Fallbesprechungen im Netzwerk sind anonym — bitte anonymisieren."
    ]


def test_errors_at_the_field_in_german():
    world = NetworkWorld()
    start = timezone.now() - timedelta(hours=1)
    with override("de"), pytest.raises(ValidationError) as caught:
        services.meeting_plan(actor=world.users["sw"], side=world.side(), starts_at=start, ends_at=start, place="")
    errors = caught.value.message_dict
    assert errors["starts_at"] == ["Das Treffen kann nicht in der Vergangenheit beginnen."]
    assert errors["ends_at"] == ["Das Ende muss nach dem Beginn liegen."]


def test_navigation_and_list_in_german():
    world = NetworkWorld()
    client = Client()
    login(client, world.users["jc"])
    page = client.get("/netzwerke/").content.decode()
    assert "Netzwerktreffen" in page and "Ihre Netzwerke" in page and "Nächstes Treffen" in page
