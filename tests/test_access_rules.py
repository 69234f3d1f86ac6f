"""The access layer answered directly (no HTML): every actor × action of tests.access_matrix,
and through which agency the right goes. The web matrix draws its expectations from the same
table, so a rule changed here and not there fails one of the two."""

import pytest

from access.case_access import case_access
from access.decide import may
from access.rules import RULES, On

from .access_matrix import OPERATIONS, cases
from .world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        from django.db import transaction

        # One world for the whole module, rolled back at its end (the rules only read).
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _verified(user):
    user.is_verified = lambda: True  # as if the session had passed the second factor
    return user


@pytest.mark.parametrize(("actor", "operation", "expected"), cases())
def test_rule_table_matches_the_matrix(world, actor, operation, expected):
    user = _verified(world.users[actor])
    action, category = OPERATIONS[operation]
    target = {On.AGENCY: None, On.CASE: world.case, On.PERSON: world.person}[RULES[action].on]
    right = may(user, action, target, category=category)
    assert (right is not None) is expected
    if right is not None and target is not None:
        own_agencies = {m.agency_id for m in user.memberships.all()}
        assert right.agency_id in own_agencies
        assert right.owned == (right.agency_id == world.case.owner_agency_id)


def test_every_action_has_a_row_in_the_matrix():
    covered = {action for action, _category in OPERATIONS.values()}
    missing = [a for a in RULES if a not in covered and a not in {"case.open_for_person", "intake.start_for_person"}]
    assert not missing, f"add these actions to tests/access_matrix.py: {missing}"


def test_a_case_access_answers_like_may(world):
    """The value services take gives the same answers as the one function."""
    user = world.users["grantee_collaborate"]
    access = case_access(user=user, case_id=world.case.pk, report=False)
    for action, category in OPERATIONS.values():
        if RULES[action].on == On.CASE and not RULES[action].other_agency:
            assert (access.right(action, category) is not None) == (
                may(user, action, world.case, category=category) is not None
            )
    assert access.readable_categories == ["general"]
    assert access.scopes == {"basic", "collaborate"}
    assert access.basis.startswith("grant:")
