"""Delivery failures that no retry can mend."""


class PermanentDeliveryError(Exception):
    """A failure that no retry can mend (e.g. a recipient without an email address)."""
