"""Where an access happens (channel, request id, client address, user agent), carried in a
context variable so the writer can fill it in without every caller passing it along."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class AccessContext:
    channel: str = "command"
    request_id: str = ""
    client_address: str | None = None
    user_agent: str = ""


_current: ContextVar[AccessContext | None] = ContextVar("notlagen_access_context", default=None)
_buffer: ContextVar[list | None] = ContextVar("notlagen_access_buffer", default=None)


def buffer() -> list | None:
    """The current request's unwritten entries, or None outside a request."""
    return _buffer.get()


def current() -> AccessContext:
    return _current.get() or AccessContext()


def activate(context: AccessContext):
    return _current.set(context)


def reset(token) -> None:
    _current.reset(token)


def _client_address(request) -> str | None:
    # Behind TRUSTED_PROXY_COUNT proxies the client is that many hops back in X-Forwarded-For.
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    if proxies:
        forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None


class AccessContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = (
            "admin" if request.path.startswith("/verwaltung/") else "api" if request.path.startswith("/api/") else "web"
        )
        token = activate(
            AccessContext(
                channel=channel,
                request_id=getattr(request, "request_id", ""),
                client_address=_client_address(request),
                user_agent=request.headers.get("User-Agent", "")[:300],
            )
        )
        pending: list = []
        buffer_token = _buffer.set(pending)
        try:
            response = self.get_response(request)
        finally:
            _buffer.reset(buffer_token)
            reset(token)
            # Written even when the view failed: a refusal (404) is an event too.
            from .writer import save

            save(pending)
        return response
