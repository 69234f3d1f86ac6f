"""The outbox is not in the Django admin: its rows say who asked about or broke the glass on
which case, which is itself sensitive. Administrators see what they need under "Zustellfehler"
(addressee, kind, error) and queue dead letters again there."""
