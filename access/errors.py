"""The one refusal of the access layer."""

from __future__ import annotations


class NotFound(Exception):
    """The object does not exist, or the actor may not use it. The layer logs the refusal where
    it raises this; the web and API layers answer 404 for it, so "not allowed" never looks
    different from "not found"."""

    def __init__(self, object_type: str = "", object_id=None, action: str = "view"):
        super().__init__(f"{object_type or 'object'} {object_id if object_id is not None else ''} not found".strip())
        self.object_type, self.object_id, self.action = object_type, object_id, action


def as_int(value, *, object_type: str = "") -> int:
    """An id from a URL or a form; anything that is not one is simply not found."""
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(object_type, None) from None
