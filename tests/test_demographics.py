"""Gender as the person states it and the age band at a case's opening: recorded once, kept on
the case, so the committee's statistics survive the erasure of the date of birth."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from cases import services
from cases.demographics import AgeBand, Gender, age_band
from cases.models import Case, Person

from .conftest import login
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return build_world()


@pytest.mark.parametrize(
    ("born", "band"),
    [
        (date(2009, 3, 2), AgeBand.UNDER_18),  # 17 on the day before the 18th birthday
        (date(2008, 3, 1), AgeBand.FROM_18),  # 18 on the birthday itself
        (date(1999, 3, 1), AgeBand.FROM_27),
        (date(1999, 3, 2), AgeBand.FROM_18),
        (date(1981, 3, 1), AgeBand.FROM_45),
        (date(1961, 3, 1), AgeBand.FROM_65),
        (None, ""),
    ],
)
def test_age_band_counts_whole_years_on_the_day(born, band):
    assert age_band(born, date(2026, 3, 1)) == band


def test_the_form_records_gender_and_the_case_keeps_the_age_band(client, world):
    login(client, world.users["social_worker"])
    form = {"family_name": "Ziegler", "birth_date": "1990-05-01", "gender": "female", "title": "Erstkontakt"}
    with time_machine.travel("2026-06-01 10:00 +0200"):
        assert client.post("/faelle/neu/", form).status_code == 302
    case = Case.objects.get(person__family_name="Ziegler")
    assert case.person.gender == Gender.FEMALE
    assert case.age_band == AgeBand.FROM_27
    # The band is the one at the opening: a later birthday does not move the statistics.
    Person.objects.filter(pk=case.person_id).update(birth_date=None)
    case.refresh_from_db()
    assert case.age_band == AgeBand.FROM_27


def test_an_unknown_gender_is_refused_at_the_field(world):
    with pytest.raises(ValidationError) as error:
        services.person_register(
            actor=world.users["social_worker"], agency=world.owner, family_name="Ziegler", gender="robot"
        )
    assert "gender" in error.value.message_dict


def test_a_pseudonymous_case_gets_its_band_when_the_name_and_birth_date_come(world):
    worker = world.users["social_worker"]
    with time_machine.travel("2025-01-10 10:00 +0100"):
        person = services.person_register(actor=worker, agency=world.owner, alias="Sonnenblume")
        case = services.case_open(actor=worker, agency=world.owner, person=person, title="Anonyme Beratung")
    assert case.age_band == ""
    with time_machine.travel("2026-06-01 10:00 +0200"):
        services.person_reveal_name(
            actor=worker, person=person, given_name="Lea", family_name="Brandt", birth_date=date(2007, 3, 1)
        )
    case.refresh_from_db()
    assert case.age_band == AgeBand.UNDER_18  # 17 when the case was opened, 19 today
