"""The Celery application: configured from Django settings (CELERY_* names)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notlagen.settings")

app = Celery("notlagen")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _ensure_filesystem_broker_folders() -> None:
    # kombu's filesystem transport expects its folders to exist before the first message.
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if key in options:
            Path(options[key]).mkdir(parents=True, exist_ok=True)


app.on_after_configure.connect(lambda sender, **kwargs: _ensure_filesystem_broker_folders(), weak=False)
