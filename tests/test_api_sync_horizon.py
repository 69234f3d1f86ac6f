"""The sync cursor and a transaction that is still open: its change carries a time from before
it commits, so a cursor that passed that time meanwhile would never hand it out. The list holds
back everything from the start of the oldest open transaction on (api.pagination.horizon)."""

import threading
import time
from datetime import timedelta
from unittest import mock

from django.db import connection, transaction

from cases.access_sync import case_touch

from .api_world import api, build_api_world
from .world import open_case


def test_a_transaction_still_open_holds_the_sync_back(transactional_db):
    with mock.patch("notifications.services.enqueue_delivery"):
        world = build_api_world()
    worker, city, slow_case = world.base.users["worker"], api(world.keys["city"]), world.base.case
    begun, release = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                case_touch(slow_case.pk)  # a change stamped now, committed only later
                begun.set()
                release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert begun.wait(20)
    time.sleep(0.05)
    quick = open_case(worker, family_name="Schnell")  # committed at once, stamped after the slow one
    with mock.patch("api.pagination.SETTLE", timedelta(0)):
        first = city.get("/api/v1/cases/?page_size=200").json()
        assert quick.pk not in [row["id"] for row in first["results"]]  # held back behind the open one
        release.set()
        thread.join(20)
        second = city.get(f"/api/v1/cases/?cursor={first['next_cursor']}&page_size=200").json()
    handed_out = [row["id"] for row in second["results"]]
    assert slow_case.pk in handed_out and quick.pk in handed_out
