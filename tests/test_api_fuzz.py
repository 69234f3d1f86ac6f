"""Schema fuzzing of the partner API (schemathesis) against a live server with a real key:
for every operation of the committed schema, generated requests — valid and invalid — get no
server error, and every answer conforms to the schema (status, content type, body). Bounded
(examples per operation) so `make test` stays short; it runs against PostgreSQL like the rest."""

from pathlib import Path
from unittest import mock

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as examples
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks

from .api_world import build_api_world
from .referrals_world import refer

SCHEMA = schemathesis.openapi.from_path(Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml")
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
EXAMPLES = 10
# "Valid by the schema, so it must be accepted" does not hold for a cursor: any string matches
# its schema, only ours are valid (a forged one answers 400, as it should).
EXCLUDED = [checks.positive_data_acceptance]


@pytest.fixture
def api_key(transactional_db):
    with mock.patch("notifications.services.enqueue_delivery"):
        world = build_api_world()
        refer(world.base)
        yield world.keys["centre"]


def test_no_server_error_and_every_answer_conforms(live_server, api_key, settings):
    """One world and one live server for all operations (a world per operation cost a second
    each): every operation, valid and invalid data; the failures are collected and named."""
    # Invalid bodies may be long (a text past its maxLength): let the serializer answer, not the 413.
    settings.API_MAX_BODY = 1 << 20
    headers = {"Authorization": f"Api-Key {api_key}"}
    failures = []
    for operation in OPERATIONS:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @examples(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def run(case):
                with mock.patch("notifications.services.enqueue_delivery"):
                    case.call_and_validate(base_url=live_server.url, headers=headers, excluded_checks=EXCLUDED)

            try:
                run()
            except Exception as error:  # noqa: BLE001 - collected and reported below
                failures.append(f"{mode.value} {operation.method.upper()} {operation.path}: {str(error)[:2000]}")
    assert not failures, "\n\n".join(failures)
