"""The structured risk assessment where a case concerns violence: the checklist's suggestion,
bad input at the field with nothing saved, a reassessment that has not seen the newest one
refused, readable only with the sensitive scope (others: 404, logged), and reused by referrals
and conferences instead of asking again."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.second_factor import second_factor_required
from audit.models import AccessLogEntry
from cases.models import CaseEvent
from casework import services
from casework.models import RiskAssessment
from casework.risk import ITEM_CODES, Answer, RiskLevel, suggested_level

from .conftest import confirmed_device, login
from .world import build_world

pytestmark = pytest.mark.django_db

ALL_NO = dict.fromkeys(ITEM_CODES, Answer.NO)


def client_for(user) -> Client:
    client = Client()
    login(client, user, device=confirmed_device(user) if second_factor_required(user) else None)
    return client


def answers(*yes: str, unknown=()) -> dict:
    return {**ALL_NO, **dict.fromkeys(yes, Answer.YES), **dict.fromkeys(unknown, Answer.UNKNOWN)}


def form_data(chosen: dict, level: str, reasoning: str = "", seen: str = "") -> dict:
    return {
        **{f"item_{code}": value for code, value in chosen.items()},
        "level": level,
        "reasoning": reasoning,
        "seen_current": seen,
    }


@pytest.mark.parametrize(
    ("yes", "level"),
    [
        ((), RiskLevel.STANDARD),
        (("injury", "escalation", "separation"), RiskLevel.STANDARD),
        (("injury", "escalation", "separation", "fear"), RiskLevel.ELEVATED),
        (("strangulation",), RiskLevel.ELEVATED),
        (("strangulation", "weapon"), RiskLevel.HIGH),
        (("injury", "escalation", "separation", "fear", "children", "stalking", "substances"), RiskLevel.HIGH),
    ],
)
def test_the_checklist_suggests_a_level(yes, level):
    assert suggested_level(answers(*yes)) == level


def test_record_and_reassess_keeps_the_history_and_the_timeline_shows_it_only_to_sensitive_readers():
    world = build_world()
    sw = world.users["social_worker"]
    first = services.risk_assessment_add(actor=sw, case=world.case, answers=answers("fear"), level=RiskLevel.STANDARD)
    second = services.risk_assessment_add(
        actor=sw,
        case=world.case,
        answers=answers("strangulation"),
        level=RiskLevel.HIGH,
        reasoning="Drohungen per Nachricht seit gestern",
        seen_current_id=first.pk,
    )
    assert (second.suggested_level, second.level) == (RiskLevel.ELEVATED, RiskLevel.HIGH)
    assert list(RiskAssessment.objects.filter(case=world.case)) == [second, first]
    event = CaseEvent.objects.filter(kind="risk_assessment").latest("pk")
    assert event.visibility == "violence" and event.data == {"level": "high"}


@pytest.mark.parametrize(
    ("chosen", "level", "reasoning", "field", "message"),
    [
        ({**ALL_NO, "fear": ""}, "standard", "", "item_fear", "Bitte beantworten Sie diese Frage"),
        (answers("strangulation", "weapon"), "elevated", "", "level", "Die Checkliste schlägt „Hoch“ vor"),
        (answers(), "high", "", "reasoning", "Bitte begründen Sie die Erhöhung"),
        (answers(), "", "", "level", "Bitte wählen Sie die Gefährdungsstufe"),
        (answers(), "high", "x" * 2001, "reasoning", "höchstens 2000 Zeichen"),
    ],
)
def test_bad_input_is_answered_at_the_field_and_nothing_is_saved(chosen, level, reasoning, field, message):
    world = build_world()
    with pytest.raises(ValidationError) as raised:
        services.risk_assessment_add(
            actor=world.users["social_worker"], case=world.case, answers=chosen, level=level, reasoning=reasoning
        )
    assert message in " ".join(raised.value.message_dict[field])
    assert not RiskAssessment.objects.exists()
    assert not CaseEvent.objects.filter(kind="risk_assessment").exists()


def test_a_reassessment_that_has_not_seen_the_newest_is_refused_and_the_form_keeps_the_input():
    world = build_world()
    sw = world.users["social_worker"]
    client = client_for(sw)
    url = f"/faelle/{world.case.pk}/gefaehrdung/"
    page = client.get(url)
    assert page.status_code == 200 and "Gefährdungseinschätzung erfassen" in page.content.decode()
    newer = services.risk_assessment_add(actor=sw, case=world.case, answers=answers("fear"), level="standard")
    response = client.post(url, form_data(answers("threat_to_kill"), "elevated", reasoning="Mein Entwurf"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Inzwischen wurde eine neue Gefährdungseinschätzung erfasst" in body and "Mein Entwurf" in body
    assert f'name="seen_current" value="{newer.pk}"' in body
    assert RiskAssessment.objects.count() == 1
    again = client.post(url, form_data(answers("threat_to_kill"), "elevated", seen=str(newer.pk)))
    assert again.status_code == 302 and RiskAssessment.objects.count() == 2


def test_only_sensitive_readers_open_the_page_others_get_a_logged_404():
    world = build_world()
    sw = world.users["social_worker"]
    services.risk_assessment_add(actor=sw, case=world.case, answers=answers("fear"), level="standard")
    url = f"/faelle/{world.case.pk}/gefaehrdung/"
    page = client_for(world.users["grantee_sensitive"]).get(url)
    assert page.status_code == 200 and "Gefährdungsstufe: Standard" in page.content.decode()
    assert AccessLogEntry.objects.filter(
        actor=world.users["grantee_sensitive"], object_type="risk_assessment", outcome="allowed"
    ).exists()
    for name in ("grantee_basic", "grantee_collaborate", "grantee_finance", "clerk", "unrelated"):
        user = world.users[name]
        assert client_for(user).get(url).status_code == 404, name
        assert AccessLogEntry.objects.filter(actor=user, outcome="denied").exists(), name
        body = client_for(user).get(f"/faelle/{world.case.pk}/").content.decode()
        assert "Gefährdung" not in body, name


def test_the_page_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    world = build_world()
    sw = world.users["social_worker"]
    for _ in range(5):
        current = RiskAssessment.objects.filter(case=world.case).values_list("pk", flat=True).first()
        services.risk_assessment_add(
            actor=sw, case=world.case, answers=answers("fear"), level="standard", seen_current_id=current
        )
    client = client_for(sw)
    with django_assert_max_num_queries(30):
        assert client.get(f"/faelle/{world.case.pk}/gefaehrdung/").status_code == 200


def test_a_conference_reuses_the_assessment_for_readers_of_violence_records_only():
    from .conferences_world import build, convene

    world = build()
    sw, jc = world.users["sw"], world.users["jc"]
    conference = convene(world)
    url = f"/fallkonferenzen/{conference.pk}/"
    assert "Gefährdungseinschätzung" not in client_for(sw).get(url).content.decode()
    services.risk_assessment_add(actor=sw, case=world.case, answers=answers("strangulation"), level="elevated")
    owner_page = client_for(sw).get(url).content.decode()
    assert "Gefährdungsstufe: Erhöht" in owner_page and f"/faelle/{world.case.pk}/gefaehrdung/" in owner_page
    # The Jobcenter takes part with the collaborate scope: no violence records, so no assessment.
    jc_client = client_for(jc)
    jc_client.post(f"{url}bestaetigen/")
    assert conference.confirmations.filter(user=jc).exists()
    assert "Gefährdungsstufe" not in jc_client.get(url).content.decode()


def test_a_referral_form_shows_the_current_assessment_instead_of_asking_again():
    from .referrals_world import build_referral_world

    world = build_referral_world()
    worker = world.users["worker"]
    services.risk_assessment_add(actor=worker, case=world.case, answers=answers(), level="standard")
    page = client_for(worker).get(f"/faelle/{world.case.pk}/vermittlungen/neu/", {"angebot": world.offer.pk})
    assert "Gefährdungsstufe: Standard" in page.content.decode()


def test_a_reassessment_starts_from_the_current_answers():
    world = build_world()
    sw = world.users["social_worker"]
    services.risk_assessment_add(
        actor=sw, case=world.case, answers=answers("fear"), level="elevated", reasoning="Neue Drohungen"
    )
    body = client_for(sw).get(f"/faelle/{world.case.pk}/gefaehrdung/").content.decode()
    assert "Neu einschätzen" in body and "Neue Drohungen" in body
    assert 'id="id_item_fear_0" name="item_fear" type="radio" value="yes" checked>' in body
    assert 'id="id_item_injury_1" name="item_injury" type="radio" value="no" checked>' in body
    assert 'id="id_level_1" name="level" type="radio" value="elevated" checked>' in body
