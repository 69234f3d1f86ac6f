"""The access layer: the one place that decides who may do what, logs what was read and
refused, and hands every channel (web views, the REST API, Celery tasks, reports, the admin)
the same answer. See docs/access.md."""
