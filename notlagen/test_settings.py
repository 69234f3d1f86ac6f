"""Settings for the test suite: PostgreSQL and Redis as in production, cheap hashing."""

import os

os.environ.setdefault("NOTLAGEN_MODE", "development")
os.environ.setdefault("CELERY_BROKER_URL", os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/notlagen")

from notlagen.settings import *  # noqa: E402, F403
from notlagen.settings.base import DATABASES, VAR_DIR  # noqa: E402

if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise RuntimeError("The test suite runs on PostgreSQL; set DATABASE_URL to a postgres:// URL.")

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "test-media"
# Tests serve static files from the apps (finders); WhiteNoise wants its root to exist.
STATIC_ROOT = VAR_DIR / "test-static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
SECURE_SSL_REDIRECT = False
CELERY_TASK_DEFAULT_QUEUE = "notlagen-test"
DOCUMENTS_ROOT = VAR_DIR / "test-documents"
# Case documents in a folder, unencrypted, whatever the environment says (tests/test_storage_s3.py
# runs the encrypted S3 storage against a real SeaweedFS).
STORAGES["documents"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": DOCUMENTS_ROOT},
}
# The webhook receivers of the tests listen on loopback.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
