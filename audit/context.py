"""Where an access happens (channel, request id, client address, user agent), carried in a
context variable so the writer can fill it in without every caller passing it along, and the
entries of one request (or job) that are written together when it ends."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.conf import settings

# A 4xx of these kinds means the person got nothing: reads buffered for the request are dropped
# (they were not delivered) and the refusal is logged once.
REFUSED_STATUSES = frozenset({403, 404})


@dataclass(frozen=True)
class AccessContext:
    channel: str = "command"
    request_id: str = ""
    client_address: str | None = None
    user_agent: str = ""


@dataclass
class PendingLog:
    """The unwritten entries of one request or job, and whether a refusal is among them."""

    entries: list = field(default_factory=list)
    denied_written: bool = False


_current: ContextVar[AccessContext | None] = ContextVar("notlagen_access_context", default=None)
_pending: ContextVar[PendingLog | None] = ContextVar("notlagen_access_pending", default=None)


def pending() -> PendingLog | None:
    """The current request's or job's unwritten entries, or None outside one."""
    return _pending.get()


def current() -> AccessContext:
    return _current.get() or AccessContext()


def activate(context: AccessContext):
    return _current.set(context)


def reset(token) -> None:
    _current.reset(token)


def begin_pending():
    return _pending.set(PendingLog())


def end_pending(token) -> PendingLog | None:
    log = _pending.get()
    _pending.reset(token)
    return log


@contextmanager
def collected(context: AccessContext):
    """Run a unit of work (a job, a command, a test) like a request: its reads and refusals are
    collected and written when it ends — a refusal inside a transaction that rolls back stays.
    Without it (a shell), entries are written at once, and such a refusal rolls back with the
    transaction around it."""
    token = activate(context)
    pending_token = begin_pending()
    try:
        yield
    finally:
        log = end_pending(pending_token)
        reset(token)
        from .writer import save

        save(log.entries if log else [])


def _client_address(request) -> str | None:
    # Behind TRUSTED_PROXY_COUNT proxies the client is that many hops back in X-Forwarded-For.
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


def channel_of(path: str) -> str:
    if path.startswith("/verwaltung/"):
        return "admin"
    return "api" if path.startswith("/api/") else "web"


class AccessContextMiddleware:
    """Carries the request's context; writes its buffered entries in one insert when it ends.
    A refused request (403/404) keeps no "allowed" read and always has one denied entry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = activate(
            AccessContext(
                channel=channel_of(request.path),
                request_id=getattr(request, "request_id", ""),
                client_address=_client_address(request),
                user_agent=request.headers.get("User-Agent", "")[:300],
            )
        )
        pending_token = begin_pending()
        response = None
        try:
            response = self.get_response(request)
        finally:
            log = end_pending(pending_token)
            if response is not None and response.status_code in REFUSED_STATUSES:
                _settle_refusal(request, log)
            reset(token)
            # Written even when the view failed: a refusal (404) is an event too.
            from .writer import save

            save(log.entries)
        return response


def _settle_refusal(request, log: PendingLog) -> None:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return
    log.entries = [e for e in log.entries if e.outcome != "allowed"]
    if not log.denied_written:
        from access.web import refusal_of

        from .writer import entry_for

        log.entries.append(entry_for(actor=user, outcome="denied", **refusal_of(request)))
        log.denied_written = True
