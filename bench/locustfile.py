"""The mixed staff workload of bench.load, for Locust (headless, loopback only).

Every simulated staff member logs in through the real login form with its own account (social
workers and partner staff need no second factor: only auditors and administrators do), then
repeats, with a think time of 0..LOAD_THINK seconds between tasks:

    case list 40 %  ·  open a case 30 %  ·  search a person 20 %  ·  add a note 10 %

The note is written the way the browser writes it: the timeline page is loaded, its form's CSRF
token read, and the form posted with htmx; the answer must be the timeline with the new note.
Jobcenter staff hold only the basic scope on their shared cases and write no notes, so their
mix is list/open/search.

One Locust process runs all steps (LOAD_STEPS, e.g. "10,25,50"): it adds users at LOAD_SPAWN
per second (those already logged in keep their sessions), waits until every new user has logged
in, warms up LOAD_WARMUP seconds, measures LOAD_DURATION seconds, and goes on to the next step.
Each request is recorded (start, name, milliseconds, ok) and written with the windows to
LOAD_SAMPLES when Locust quits; bench.load computes the figures from that file.

    LOAD_ACCOUNTS=var/bench/load_accounts.json LOAD_SAMPLES=/tmp/s.json LOAD_STEPS=10,25 \\
        locust -f bench/locustfile.py --headless -u 10 -r 5 --host http://127.0.0.1:8001
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import gevent
from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

ACCOUNTS = json.loads(Path(os.environ["LOAD_ACCOUNTS"]).read_text())
THINK = float(os.environ.get("LOAD_THINK", "1"))
STEPS = [int(n) for n in os.environ.get("LOAD_STEPS", "0").split(",")]
SPAWN, WARMUP, DURATION = (float(os.environ.get(f"LOAD_{name}", "0")) for name in ("SPAWN", "WARMUP", "DURATION"))
LOGIN_TIMEOUT = 180
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NOTE_CATEGORIES = ("general", "general", "general", "finances")
# What staff type into the person search: names, parts of names, a date of birth.
SEARCH_TERMS = ("Müller", "Schmi", "Weber", "Hoff", "Yılmaz", "Kaya", "Nowak", "Anna", "Mehmet", "03.04.1990")

SAMPLES: list[tuple[float, str, float, bool]] = []
LOGINS: dict[str, list[float]] = {"done": [], "failed": []}
WINDOWS: list[dict] = []
_counters: dict[str, itertools.count] = {}


def _steps(environment) -> None:
    """Per step: add users, wait for their logins, warm up, measure; then stop Locust."""
    for users in STEPS:
        if users > (environment.runner.target_user_count or 0):
            environment.runner.start(users, spawn_rate=SPAWN)
        deadline = time.time() + LOGIN_TIMEOUT
        while len(LOGINS["done"]) + len(LOGINS["failed"]) < users and time.time() < deadline:
            gevent.sleep(0.2)
        window = {"users": users, "logged_in": time.time()}
        for mark, seconds in (("from", WARMUP), ("until", DURATION)):
            gevent.sleep(seconds)
            window[mark] = time.time()
            Path(f"{os.environ['LOAD_SAMPLES']}.{len(WINDOWS)}.{mark}").touch()  # bench.load reads CPU counters
        WINDOWS.append(window)
    environment.runner.quit()


@events.test_start.add_listener
def _started(environment, **_kwargs) -> None:
    if STEPS[0]:
        gevent.spawn(_steps, environment)


@events.request.add_listener
def _record(name, response_time, exception, start_time=None, **_kwargs) -> None:
    SAMPLES.append((start_time or time.time(), name, response_time, exception is None))


@events.quitting.add_listener
def _write(**_kwargs) -> None:
    if target := os.environ.get("LOAD_SAMPLES"):
        Path(target).write_text(json.dumps({"windows": WINDOWS, "logins": LOGINS, "samples": SAMPLES}))


def _next_account(pool: str) -> dict:
    accounts = ACCOUNTS["pools"][pool]
    counter = _counters.setdefault(pool, itertools.count())
    return accounts[next(counter) % len(accounts)]


class Staff(FastHttpUser):
    abstract = True
    pool = ""
    wait_time = between(0, THINK) if THINK > 0 else constant(0)

    def on_start(self) -> None:
        self.account = _next_account(self.pool)
        self.case_ids = [case_id for agency in self.account["agencies"] for case_id in ACCOUNTS["cases"][str(agency)]]
        token = self._token("/anmelden/", "login form")
        if token is None:
            LOGINS["failed"].append(time.time())
            raise StopUser
        data = {"csrfmiddlewaretoken": token, "username": self.account["username"], "password": ACCOUNTS["password"]}
        with self.client.post(
            "/anmelden/", data=data, name="login", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 302 or "/anmelden/" in (response.headers.get("Location") or ""):
                response.failure(f"login answered {response.status_code}")
                LOGINS["failed"].append(time.time())
                raise StopUser
        LOGINS["done"].append(time.time())

    def _token(self, url: str, name: str) -> str | None:
        with self.client.get(url, name=name, catch_response=True) as response:
            match = CSRF.search(response.text or "") if response.status_code == 200 else None
            if match is None:
                response.failure(f"no form with a CSRF token ({response.status_code})")
                return None
            return match.group(1)

    def _get(self, url: str, name: str) -> None:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")

    @task(40)
    def case_list(self) -> None:
        # Mostly the first page (the newest changes), sometimes a page further back.
        page = "" if random.random() < 0.8 else f"?seite={random.randint(2, 5)}"
        self._get(f"/faelle/{page}", "case list")

    @task(30)
    def open_case(self) -> None:
        self._get(f"/faelle/{random.choice(self.case_ids)}/", "open case")

    @task(20)
    def search_person(self) -> None:
        term = random.choice(SEARCH_TERMS)
        self._get(f"/erstgespraech/?q={quote(term)}", "search person")


class SocialWorker(Staff):
    """A social worker of one of the 20 owning agencies (all scopes on its agency's cases)."""

    weight = 8
    pool = "social_worker"

    @task(10)
    def add_note(self) -> None:
        case_id = random.choice(self.case_ids)
        token = self._token(f"/faelle/{case_id}/verlauf/", "note: timeline")
        if token is None:
            return
        marker = f"Lasttest {uuid.uuid4().hex[:12]}"
        data = {
            "csrfmiddlewaretoken": token,
            "category": random.choice(NOTE_CATEGORIES),
            "text": f"{marker}: Telefonat mit der Person, Unterlagen zum Antrag besprochen.",
            "contact_channel": "",
            "occurred_on": "",
        }
        headers = {"HX-Request": "true", "HX-Target": "timeline-area"}
        with self.client.post(
            f"/faelle/{case_id}/notizen/", data=data, headers=headers, name="note: save", catch_response=True
        ) as response:
            if response.status_code != 200 or marker not in (response.text or ""):
                response.failure(f"note not saved ({response.status_code})")


class MultiAgencyWorker(SocialWorker):
    """A social worker in two owning agencies at once: sees and writes in both."""

    weight = 1
    pool = "multi_agency"


class JobcenterStaff(Staff):
    """Jobcenter staff: the basic scope on the ~5 % of cases shared with the Jobcenter."""

    weight = 1
    pool = "jobcenter"
