"""Celery (broker, beat schedule), outgoing mail and the notification outbox."""

from .base import VAR_DIR
from .env import MODE, env_bool, env_email, env_int, env_str

# Embedded default: kombu's filesystem transport, a broker without a server (demo, development).
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://", required_in_production=True)
if CELERY_BROKER_URL.startswith("filesystem://"):
    if MODE == "production":
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("CELERY_BROKER_URL must name a Redis or RabbitMQ server in production mode.")
    _queue_dir = str(VAR_DIR / "broker")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": _queue_dir,
        "data_folder_out": _queue_dir,
        "control_folder": str(VAR_DIR / "broker-control"),
        "store_processed": False,
        # Look for new messages four times a second, so the demo's inbox feels immediate.
        "polling_interval": 0.25,
    }
else:
    # Fail fast when the broker is down: the outbox keeps the row and the sweep delivers later,
    # so a web request must never wait on the broker.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
        "max_retries": 0,
    }
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BEAT_SCHEDULE = {
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_outbox",
        "schedule": float(env_int("OUTBOX_SWEEP_SECONDS", 30, minimum=1)),
    },
}

# Mail: a URL as django-environ reads it, e.g. smtp+tls://user:pass@mail.example:587.
# The demo writes mails as files under var/mail so they can be read without a mail server.
_mail = env_email("EMAIL_URL", "consolemail://")
EMAIL_BACKEND = _mail["EMAIL_BACKEND"]
EMAIL_HOST = _mail.get("EMAIL_HOST", "")
EMAIL_PORT = _mail.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _mail.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _mail.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _mail.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _mail.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
EMAIL_FILE_PATH = _mail.get("EMAIL_FILE_PATH") or str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "notlagen@localhost", required_in_production=True)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Outbox: attempts before a notification is parked as dead letter, and the first retry delay
# (doubled per attempt, capped at OUTBOX_MAX_BACKOFF_SECONDS).
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 6, minimum=1)
OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 30, minimum=1)
OUTBOX_MAX_BACKOFF_SECONDS = env_int("OUTBOX_MAX_BACKOFF_SECONDS", 3600, minimum=1)
OUTBOX_SWEEP_BATCH = env_int("OUTBOX_SWEEP_BATCH", 200, minimum=1)
# How long a worker may take to send one mail or webhook before another worker may try again.
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300, minimum=30)
# Webhooks to partner systems: how long to wait for the partner, and whether addresses in the
# local network are allowed (an intranet partner; never needed for a partner on the internet).
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5, minimum=1)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# After a secret rotation, how long the old secret still signs beside the new one.
WEBHOOK_SECRET_OVERLAP_HOURS = env_int("WEBHOOK_SECRET_OVERLAP_HOURS", 24, minimum=0)

# Access grants (cases): the longest a grant may run, and break-glass limits.
ACCESS_GRANT_MAX_DAYS = env_int("ACCESS_GRANT_MAX_DAYS", 365, minimum=1)
BREAK_GLASS_HOURS = env_int("BREAK_GLASS_HOURS", 24, minimum=1)
BREAK_GLASS_MIN_REASON_LENGTH = env_int("BREAK_GLASS_MIN_REASON_LENGTH", 30, minimum=10)
# Duplicate checks per person and hour; more looks like probing for someone's data.
DUPLICATE_CHECKS_PER_HOUR = env_int("DUPLICATE_CHECKS_PER_HOUR", 60, minimum=1)
CELERY_BEAT_SCHEDULE["documents-remove-orphans"] = {
    "task": "casework.tasks.remove_orphan_files",
    "schedule": 24 * 3600.0,
}
CELERY_BEAT_SCHEDULE["access-grants-expire"] = {
    "task": "cases.tasks.expire_grants",
    "schedule": float(env_int("GRANT_EXPIRY_SWEEP_SECONDS", 300, minimum=10)),
}

# Access log (audit): retention, sealing, review and alert rules.
ACCESS_LOG_RETENTION_YEARS = env_int("ACCESS_LOG_RETENTION_YEARS", 2, minimum=1)
# Where each seal is also recorded outside the database (at least one sink is on): an
# append-only file, and optionally syslog ("/dev/log" or "host:514").
ACCESS_LOG_ANCHOR_FILE = env_str("ACCESS_LOG_ANCHOR_FILE", str(VAR_DIR / "access-log-seals.jsonl"))
ACCESS_LOG_ANCHOR_SYSLOG = env_str("ACCESS_LOG_ANCHOR_SYSLOG", "")
ACCESS_LOG_SEAL_SECONDS = env_int("ACCESS_LOG_SEAL_SECONDS", 10, minimum=1)
DENIED_BURST_THRESHOLD = env_int("DENIED_BURST_THRESHOLD", 20, minimum=1)
AUDIT_BULK_EXPORT_ROWS = env_int("AUDIT_BULK_EXPORT_ROWS", 1000, minimum=1)
AUDIT_OFFICE_HOURS = (env_int("AUDIT_OFFICE_HOURS_START", 7), env_int("AUDIT_OFFICE_HOURS_END", 19))
AUDIT_ALERTS = {
    "break_glass": env_bool("AUDIT_ALERT_BREAK_GLASS", True),
    "denied_burst": env_bool("AUDIT_ALERT_DENIED_BURST", True),
    "bulk_export": env_bool("AUDIT_ALERT_BULK_EXPORT", True),
    "outside_hours": env_bool("AUDIT_ALERT_OUTSIDE_HOURS", True),
}
CELERY_BEAT_SCHEDULE.update(
    {
        "access-log-seal": {"task": "audit.tasks.seal_access_log", "schedule": float(ACCESS_LOG_SEAL_SECONDS)},
        "access-log-bursts": {"task": "audit.tasks.detect_denied_bursts", "schedule": 300.0},
        "access-log-retention": {"task": "audit.tasks.apply_retention", "schedule": 86400.0},
    }
)
CELERY_BEAT_SCHEDULE["payments-verify-journal"] = {
    "task": "payments.tasks.verify_payment_journal",
    "schedule": 24 * 3600.0,
}
# Retention (Löschfristen): daily preview, then anonymisation under the confirmed rules.
CELERY_BEAT_SCHEDULE["retention-daily"] = {"task": "retention.tasks.run_retention", "schedule": 24 * 3600.0}

# Referrals: when an unanswered referral reminds the receiver (and, as long again later, the
# referrer), the default answer deadline, how long an accepted referral's grant runs while it
# is open, and how long the receiving agency keeps access after the referral ended. Working
# days skip weekends and the public holidays of REFERRAL_HOLIDAY_REGION (a German state code).
REFERRAL_REMIND_AFTER_WORKING_DAYS = env_int("REFERRAL_REMIND_AFTER_WORKING_DAYS", 3, minimum=1)
REFERRAL_ANSWER_WORKING_DAYS = env_int("REFERRAL_ANSWER_WORKING_DAYS", 10, minimum=1)
REFERRAL_GRANT_DAYS = env_int("REFERRAL_GRANT_DAYS", 180, minimum=1)
REFERRAL_FOLLOW_UP_DAYS = env_int("REFERRAL_FOLLOW_UP_DAYS", 30, minimum=0)
REFERRAL_HOLIDAY_REGION = env_str("REFERRAL_HOLIDAY_REGION", "NI")
CELERY_BEAT_SCHEDULE["referrals-remind-and-expire"] = {
    "task": "referrals.tasks.remind_and_expire",
    "schedule": float(env_int("REFERRAL_SWEEP_SECONDS", 3600, minimum=10)),
}

# Case conferences: how long after the conference a participating agency keeps the access its
# invitation opened, and how many hours before it the participants are reminded.
CONFERENCE_GRANT_DAYS_AFTER = env_int("CONFERENCE_GRANT_DAYS_AFTER", 14, minimum=0)
CONFERENCE_REMIND_HOURS_BEFORE = env_int("CONFERENCE_REMIND_HOURS_BEFORE", 24, minimum=1)
CELERY_BEAT_SCHEDULE["conferences-remind"] = {"task": "conferences.tasks.remind", "schedule": 3600.0}

# Network meetings: the member responsible for an overdue agreed action is reminded once.
CELERY_BEAT_SCHEDULE["networks-remind"] = {"task": "networks.tasks.remind", "schedule": 3600.0}
CELERY_BEAT_SCHEDULE["api-purge"] = {"task": "api.tasks.purge", "schedule": 3600.0}
