"""Where stored files go: case documents and signed consent scans (storage "documents").

Embedded default: a folder on this machine (DOCUMENTS_ROOT). With NOTLAGEN_S3_BUCKET: an
S3-compatible object storage through django-storages, so no web or worker machine needs a shared
disk; then NOTLAGEN_FILES_KEY is required and every file is encrypted in the application before
it is uploaded (notlagen/storage.py). The key may also be set without S3: the folder then holds
encrypted files too. Files are private either way: no public ACL, no URL, served only by the
permission-checked, logged download views.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import DOCUMENTS_ROOT, STORAGES
from .env import env_list, env_str

NOTLAGEN_S3_BUCKET = env_str("NOTLAGEN_S3_BUCKET", "")
NOTLAGEN_FILES_KEY = env_str("NOTLAGEN_FILES_KEY", "")
# Keys that sealed older files, after a new NOTLAGEN_FILES_KEY took over (rotation): read only.
NOTLAGEN_FILES_OLD_KEYS = env_list("NOTLAGEN_FILES_OLD_KEYS", [])


def _check_keys() -> None:
    from notlagen.storage import parse_key

    for name, values in (
        ("NOTLAGEN_FILES_KEY", [NOTLAGEN_FILES_KEY]),
        ("NOTLAGEN_FILES_OLD_KEYS", NOTLAGEN_FILES_OLD_KEYS),
    ):
        for value in values:
            try:
                parse_key(value)
            except ValueError as error:
                raise ImproperlyConfigured(f"{name}: {error}.") from None


def s3_storage(bucket: str, location: str) -> dict:
    """A STORAGES entry for one prefix of the bucket, from the NOTLAGEN_S3_* variables."""
    endpoint = env_str("NOTLAGEN_S3_ENDPOINT_URL", "")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "location": location,
            "endpoint_url": endpoint or None,
            # Empty: boto3's own chain (AWS_* variables, instance or pod role).
            "access_key": env_str("NOTLAGEN_S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("NOTLAGEN_S3_SECRET_ACCESS_KEY", "") or None,
            "region_name": env_str("NOTLAGEN_S3_REGION", "") or None,
            "signature_version": "s3v4",
            # A self-hosted server (SeaweedFS, MinIO, Ceph) is addressed by path, AWS by host.
            "addressing_style": "path" if endpoint else None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            # A download is spooled to a temporary file beyond 1 MB, not held in memory whole.
            "max_memory_size": 1024 * 1024,
        },
    }


if NOTLAGEN_S3_BUCKET and not NOTLAGEN_FILES_KEY:
    raise ImproperlyConfigured(
        "NOTLAGEN_FILES_KEY must be set when NOTLAGEN_S3_BUCKET is: files are encrypted before they "
        'leave the application. Create one with: python -c "from notlagen.storage import new_key; print(new_key())"'
    )
if NOTLAGEN_FILES_OLD_KEYS and not NOTLAGEN_FILES_KEY:
    raise ImproperlyConfigured("NOTLAGEN_FILES_OLD_KEYS needs NOTLAGEN_FILES_KEY (the key new files are sealed with).")
if NOTLAGEN_FILES_KEY:
    _check_keys()

_documents = (
    s3_storage(NOTLAGEN_S3_BUCKET, "documents")
    if NOTLAGEN_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": DOCUMENTS_ROOT}}
)
if NOTLAGEN_FILES_KEY:
    _documents = {
        "BACKEND": "notlagen.storage.EncryptedStorage",
        "OPTIONS": {"storage": _documents, "key": NOTLAGEN_FILES_KEY, "old_keys": NOTLAGEN_FILES_OLD_KEYS},
    }
STORAGES["documents"] = _documents
