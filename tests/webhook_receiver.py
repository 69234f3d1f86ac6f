"""A partner system for the webhook tests: a real HTTP server on 127.0.0.1 in a thread that
verifies every message as the Standard Webhooks reference library does (signature and the
five-minute replay window, standardwebhooks.Webhook(secret).verify) and drops a repeat by its
webhook-id. Told to, it answers an error status instead (a partner that is down or gone)."""

from __future__ import annotations

import http.server
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


@dataclass
class Receiver:
    secret: str = ""
    url: str = ""
    answers: list[int] = field(default_factory=list)  # statuses to answer first, in order
    delay: float = 0.0  # seconds before answering (a slow partner)
    location: str = ""  # where a 3xx answer points
    requests: list[tuple[dict, bytes]] = field(default_factory=list)  # every request that came in
    accepted: list[dict] = field(default_factory=list)  # verified, new messages (their payloads)
    rejected: list[str] = field(default_factory=list)  # why a message was refused
    duplicates: int = 0
    seen_ids: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def judge(self, headers: dict, body: bytes) -> int:
        """What the partner answers: an error it was told to give, 401 for a message that does
        not verify (bad signature, too old), 200 for a repeat, 204 for a new message."""
        with self.lock:
            self.requests.append((headers, body))
            if self.answers:
                return self.answers.pop(0)
            try:
                payload = Webhook(self.secret).verify(body, headers)
            except WebhookVerificationError as error:
                self.rejected.append(str(error))
                return 401
            if headers["webhook-id"] in self.seen_ids:
                self.duplicates += 1
                return 200
            self.seen_ids.add(headers["webhook-id"])
            self.accepted.append(payload)
            return 204

    def post(self, headers: dict, body: bytes) -> int:
        """Send a (captured) request to this receiver over HTTP, as an attacker replaying it would."""
        request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - a local test server
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


def _handler_for(receiver: Receiver):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {k.lower(): v for k, v in self.headers.items()}
            if receiver.delay:
                time.sleep(receiver.delay)
            status = receiver.judge(headers, body)
            self.send_response(status)
            if 300 <= status < 400 and receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            return

    return Handler


@contextmanager
def running_receiver(secret: str = ""):
    receiver = Receiver(secret=secret)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(receiver))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
