"""Stored files in S3-compatible object storage, encrypted in the application: against a real
SeaweedFS on loopback (scripts/ensure_services.py starts one when NOTLAGEN_TEST_S3_* is not
set), through the Django storage API, the case workspace's upload and its logged download; and
the filesystem default, which still works."""

from __future__ import annotations

import importlib.util
import io
import os
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from pathlib import Path

import boto3
import pytest
from botocore.config import Config
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from access.case_access import case_access
from audit.models import AccessLogEntry
from casework import tasks
from casework.models import Document, document_storage
from casework.services import document_add, intake_consent_give
from notlagen.storage import FileIntegrityError, key_id, new_key, parse_key

from .conftest import login, world_for_the_module
from .world import build_world

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SECRET = b"Geheimnis-Nowak-1988-Frauenhaus"
KEY = new_key()


@pytest.fixture(scope="session")
def s3_server() -> dict:
    """The S3 server of the run: NOTLAGEN_TEST_S3_* from `eval "$(python scripts/ensure_services.py)"`,
    else the throwaway SeaweedFS that ensure_services starts (or finds running)."""
    names = ("ENDPOINT_URL", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY", "BUCKET")
    server = {name: os.environ.get(f"NOTLAGEN_TEST_S3_{name}", "") for name in names}
    if all(server.values()):
        return server
    spec = importlib.util.spec_from_file_location("ensure_services", ROOT / "scripts" / "ensure_services.py")
    ensure = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ensure)
    try:
        return ensure.ensure_s3()
    except SystemExit:
        pytest.fail("No S3 server for the storage tests (see the [ensure] message above).")


@pytest.fixture
def s3(s3_server, monkeypatch):
    """A prefix of the bucket of its own for this test, emptied afterwards, and a plain boto3
    client to look at what the server holds."""
    for name in ("ENDPOINT_URL", "ACCESS_KEY_ID", "SECRET_ACCESS_KEY"):
        monkeypatch.setenv(f"NOTLAGEN_S3_{name}", s3_server[name])
    monkeypatch.setenv("NOTLAGEN_S3_REGION", "us-east-1")
    client = boto3.client(
        "s3",
        endpoint_url=s3_server["ENDPOINT_URL"],
        aws_access_key_id=s3_server["ACCESS_KEY_ID"],
        aws_secret_access_key=s3_server["SECRET_ACCESS_KEY"],
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}),
    )
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    yield {"client": client, "bucket": s3_server["BUCKET"], "prefix": prefix, "endpoint": s3_server["ENDPOINT_URL"]}
    for entry in client.list_objects_v2(Bucket=s3_server["BUCKET"], Prefix=prefix + "/").get("Contents", []):
        client.delete_object(Bucket=s3_server["BUCKET"], Key=entry["Key"])


def _encrypted_s3(s3, key=KEY, old_keys=()) -> dict:
    from notlagen.settings.storage import s3_storage  # the settings' own S3 entry, from the environment

    inner = s3_storage(s3["bucket"], f"{s3['prefix']}/documents")
    return {
        "BACKEND": "notlagen.storage.EncryptedStorage",
        "OPTIONS": {"storage": inner, "key": key, "old_keys": old_keys},
    }


@pytest.fixture
def on_s3(s3, settings):
    settings.STORAGES = {**settings.STORAGES, "documents": _encrypted_s3(s3)}
    return s3


def _object(s3, name: str) -> bytes:
    return s3["client"].get_object(Bucket=s3["bucket"], Key=f"{s3['prefix']}/documents/{name}")["Body"].read()


def _put(s3, name: str, body: bytes) -> None:
    s3["client"].put_object(Bucket=s3["bucket"], Key=f"{s3['prefix']}/documents/{name}", Body=body)


def _scan(size: int) -> bytes:
    """A scan-sized file with the secret inside, over many encryption chunks."""
    return (SECRET + os.urandom(1000)) * (size // (len(SECRET) + 1000)) + SECRET


def test_round_trip_through_the_storage_api_leaves_only_ciphertext_in_the_bucket(on_s3):
    storage = document_storage()
    content = _scan(5 * 1024 * 1024)
    name = storage.save("7/a5f3", ContentFile(content))
    assert name == "7/a5f3" and storage.exists(name) and storage.size(name) == len(content)
    assert storage.listdir("7") == ([], ["a5f3"])
    with storage.open(name) as handle:
        assert handle.read() == content
    with storage.open(name) as handle:  # seeking inside the plaintext, across a chunk border
        handle.seek(65536 - 10)
        assert handle.read(20) == content[65526:65546]
    stored = _object(on_s3, name)
    assert SECRET not in stored and stored.startswith(b"NLF1" + key_id(parse_key(KEY)))
    assert len(stored) == 72 + len(content) + 16 * -(-len(content) // 65536)
    # An empty file is a file too.
    empty = storage.save("7/leer", ContentFile(b""))
    assert storage.open(empty).read() == b"" and storage.size(empty) == 0
    storage.delete(name)
    assert not storage.exists(name)
    with pytest.raises(FileNotFoundError):
        storage.open(name)


def test_the_objects_are_private_and_have_no_url(on_s3):
    storage = document_storage()
    name = storage.save("7/privat", ContentFile(SECRET))
    with pytest.raises(NotImplementedError):
        storage.url(name)
    anonymous = f"{on_s3['endpoint']}/{on_s3['bucket']}/{on_s3['prefix']}/documents/{name}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(anonymous, timeout=5)  # noqa: S310 - a loopback http URL of the test server
    assert refused.value.code == 403


DAMAGES = {
    "a bit": lambda sealed: sealed[:100_000] + bytes([sealed[100_000] ^ 1]) + sealed[100_001:],
    "cut after a chunk": lambda sealed: sealed[: 72 + 65552],
    "cut by a byte": lambda sealed: sealed[:-1],
    "extended": lambda sealed: sealed + b"\0" * 16,
    "sealed data key": lambda sealed: sealed[:40] + bytes([sealed[40] ^ 1]) + sealed[41:],
    "key id": lambda sealed: sealed[:4] + b"\0\0\0\0" + sealed[8:],
    "chunk size": lambda sealed: sealed[:8] + b"\0\0\x80\0" + sealed[12:],
    "not sealed": lambda sealed: b"%PDF" + sealed[4:],
}


def test_a_changed_object_fails_to_open(on_s3):
    storage = document_storage()
    content = _scan(300_000)
    name = storage.save("8/b1", ContentFile(content))
    sealed = _object(on_s3, name)
    for label, damage in DAMAGES.items():
        _put(on_s3, name, damage(sealed))
        try:
            storage.open(name).close()
        except FileIntegrityError:
            continue
        pytest.fail(f"A changed object opened: {label}")
    _put(on_s3, name, sealed)
    assert storage.open(name).read() == content  # the original, put back, opens again


def test_chunks_of_one_file_cannot_be_swapped_and_files_cannot_be_exchanged(on_s3):
    storage = document_storage()
    first = _object(on_s3, storage.save("8/c1", ContentFile(_scan(200_000))))
    second = storage.save("8/c2", ContentFile(_scan(200_000)))
    chunk = 65536 + 16
    swapped = first[:72] + first[72 + chunk : 72 + 2 * chunk] + first[72 : 72 + chunk] + first[72 + 2 * chunk :]
    _put(on_s3, "8/c1", swapped)
    with pytest.raises(FileIntegrityError):
        storage.open("8/c1")
    # Another file's header with this file's chunks: each file has a data key of its own.
    _put(on_s3, second, first[:72] + _object(on_s3, second)[72:])
    with pytest.raises(FileIntegrityError):
        storage.open(second)


def test_a_new_key_takes_over_and_the_old_key_still_opens_older_files(on_s3, settings):
    storage = document_storage()
    old = storage.save("9/alt", ContentFile(SECRET))
    newer_key = new_key()
    settings.STORAGES = {**settings.STORAGES, "documents": _encrypted_s3(on_s3, key=newer_key, old_keys=[KEY])}
    storage = document_storage()
    assert storage.open(old).read() == SECRET
    fresh = storage.save("9/neu", ContentFile(SECRET))
    assert _object(on_s3, fresh)[4:8] == key_id(parse_key(newer_key))
    # Without the old key the older file does not open (and says which key is missing).
    settings.STORAGES = {**settings.STORAGES, "documents": _encrypted_s3(on_s3, key=newer_key)}
    with pytest.raises(FileIntegrityError, match=key_id(parse_key(KEY)).hex()):
        document_storage().open(old)
    assert document_storage().open(fresh).read() == SECRET


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    yield from world_for_the_module(django_db_blocker, build_world)


@pytest.fixture
def world(_module_world, db):
    return _module_world


def test_a_document_uploaded_in_the_case_workspace_lands_in_s3_and_downloads_through_the_logged_view(
    client, world, on_s3, settings
):
    login(client, world.users["social_worker"])
    upload = SimpleUploadedFile("ausweis.png", PNG_BYTES + SECRET, content_type="image/png")
    response = client.post(
        f"/faelle/{world.case.pk}/dokumente/", {"title": "Ausweis", "category": "health", "file": upload}
    )
    assert response.status_code == 302
    document = Document.objects.get()
    stored = _object(on_s3, document.file.name)
    assert SECRET not in stored and stored.startswith(b"NLF1")
    assert not (Path(settings.DOCUMENTS_ROOT) / document.file.name).exists()
    url = f"/faelle/{world.case.pk}/dokumente/{document.pk}/herunterladen/"
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PNG_BYTES + SECRET
    assert int(response["Content-Length"]) == len(PNG_BYTES + SECRET)
    assert "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    assert AccessLogEntry.objects.filter(object_type="document", object_ids=[document.pk], action="view").exists()
    client.logout()
    for actor in ("grantee_collaborate", "clerk", "unrelated"):
        login(client, world.users[actor])
        assert client.get(url).status_code == 404, actor
        client.logout()


def test_a_signed_consent_scan_goes_to_s3_too(world, on_s3):
    sw = world.users["social_worker"]
    consent = intake_consent_give(
        actor=sw,
        case=case_access(user=sw, case_id=world.case.pk),
        agencies=[world.agencies["collaborate"]],
        scopes=["collaborate"],
        purpose="Beratung",
        given_how="written",
        text=world.consent_text,
        valid_until=timezone.localdate() + timedelta(days=30),
        scan=SimpleUploadedFile("scan.pdf", PDF_BYTES + SECRET, content_type="application/pdf"),
    )
    document = Document.objects.get(consent=consent)
    assert SECRET not in _object(on_s3, document.file.name)
    assert document.file.open("rb").read() == PDF_BYTES + SECRET


def test_the_orphan_sweep_lists_the_bucket_and_keeps_known_files(world, on_s3, monkeypatch):
    sw = world.users["social_worker"]
    upload = SimpleUploadedFile("brief.pdf", PDF_BYTES, content_type="application/pdf")
    document = document_add(
        actor=sw, case=case_access(user=sw, case_id=world.case.pk), title="Brief", category="general", upload=upload
    )
    orphan = document_storage().save(f"{world.case.pk}/verwaist", ContentFile(b"rolled back"))
    assert tasks.remove_orphan_files() == 0  # younger than the grace period
    monkeypatch.setattr(tasks, "ORPHAN_GRACE_SECONDS", -60)  # as if both were old
    assert tasks.remove_orphan_files() == 1
    assert not document_storage().exists(orphan) and document_storage().exists(document.file.name)


def test_the_filesystem_stays_the_default_and_its_sweep_still_works(world, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    sw = world.users["social_worker"]
    upload = SimpleUploadedFile("brief.pdf", PDF_BYTES + SECRET, content_type="application/pdf")
    document = document_add(
        actor=sw, case=case_access(user=sw, case_id=world.case.pk), title="Brief", category="general", upload=upload
    )
    on_disk = tmp_path / document.file.name
    assert on_disk.read_bytes() == PDF_BYTES + SECRET and document.file.open("rb").read() == PDF_BYTES + SECRET
    orphan = tmp_path / str(world.case.pk) / "verwaist"
    orphan.write_bytes(b"rolled back")
    old = time.time() - tasks.ORPHAN_GRACE_SECONDS - 60
    os.utime(orphan, (old, old))
    os.utime(on_disk, (old, old))
    assert tasks.remove_orphan_files() == 1 and not orphan.exists() and on_disk.exists()


def test_with_a_files_key_the_folder_holds_ciphertext_too(settings, tmp_path):
    folder = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {"BACKEND": "notlagen.storage.EncryptedStorage", "OPTIONS": {"storage": folder, "key": KEY}},
    }
    name = document_storage().save("3/d", ContentFile(SECRET))
    assert SECRET not in (tmp_path / "3" / "d").read_bytes()
    assert document_storage().open(name).read() == SECRET


def _documents_setting(monkeypatch, **environment) -> dict:
    """The settings' storage module run afresh with this environment: its "documents" entry."""
    for name in [name for name in os.environ if name.startswith(("NOTLAGEN_S3_", "NOTLAGEN_FILES_"))]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    module = importlib.util.module_from_spec(importlib.util.find_spec("notlagen.settings.storage"))
    module.__spec__.loader.exec_module(module)
    return module._documents


def test_the_settings_want_a_files_key_with_s3_and_build_the_encrypted_storage(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="NOTLAGEN_FILES_KEY must be set when NOTLAGEN_S3_BUCKET is"):
        _documents_setting(monkeypatch, NOTLAGEN_S3_BUCKET="akten")
    with pytest.raises(ImproperlyConfigured, match="NOTLAGEN_FILES_KEY: a files key must be"):
        _documents_setting(monkeypatch, NOTLAGEN_S3_BUCKET="akten", NOTLAGEN_FILES_KEY="zu-kurz")
    with pytest.raises(ImproperlyConfigured, match="NOTLAGEN_FILES_OLD_KEYS: a files key must be"):
        _documents_setting(monkeypatch, NOTLAGEN_FILES_KEY=KEY, NOTLAGEN_FILES_OLD_KEYS="QUJD")
    configured = _documents_setting(
        monkeypatch,
        NOTLAGEN_S3_BUCKET="akten",
        NOTLAGEN_FILES_KEY=KEY,
        NOTLAGEN_FILES_OLD_KEYS=new_key(),
        NOTLAGEN_S3_ENDPOINT_URL="http://s3.intern:8333",
    )
    assert configured["BACKEND"] == "notlagen.storage.EncryptedStorage" and configured["OPTIONS"]["key"] == KEY
    inner = configured["OPTIONS"]["storage"]
    assert inner["BACKEND"] == "storages.backends.s3.S3Storage" and len(configured["OPTIONS"]["old_keys"]) == 1
    assert inner["OPTIONS"]["bucket_name"] == "akten" and inner["OPTIONS"]["location"] == "documents"
    assert inner["OPTIONS"]["addressing_style"] == "path" and inner["OPTIONS"]["default_acl"] is None
    plain = _documents_setting(monkeypatch)
    assert plain["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_documents_move_from_the_folder_into_encrypted_object_storage(world, settings, tmp_path, s3):
    folder = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}
    settings.STORAGES = {**settings.STORAGES, "documents": folder}
    sw = world.users["social_worker"]
    access = case_access(user=sw, case_id=world.case.pk)
    documents = [
        document_add(
            actor=sw,
            case=access,
            title=f"Brief {i}",
            category="general",
            upload=SimpleUploadedFile(f"brief{i}.pdf", PDF_BYTES + SECRET + bytes([i]), content_type="application/pdf"),
        )
        for i in range(3)
    ]
    settings.STORAGES = {**settings.STORAGES, "documents": _encrypted_s3(s3)}
    with pytest.raises(CommandError, match="storage's own folder"):
        settings.STORAGES = {**settings.STORAGES, "documents": folder}
        call_command("move_documents", "--from", str(tmp_path))
    settings.STORAGES = {**settings.STORAGES, "documents": _encrypted_s3(s3)}
    (tmp_path / documents[2].file.name).write_bytes(b"%PDF changed on the old disk")
    out = io.StringIO()
    with pytest.raises(CommandError, match="could not be copied intact"):
        call_command("move_documents", "--from", str(tmp_path), stdout=out, stderr=io.StringIO())
    assert "copied: 2, already there: 0, missing: 0, changed: 1" in out.getvalue()
    for i, document in enumerate(documents[:2]):
        stored = _object(s3, document.file.name)
        moved = Document.objects.get(pk=document.pk).file.open("rb").read()
        assert SECRET not in stored and moved == PDF_BYTES + SECRET + bytes([i])
    (tmp_path / documents[2].file.name).unlink()
    with pytest.raises(CommandError):
        call_command("move_documents", "--from", str(tmp_path), stdout=out, stderr=io.StringIO())
    assert "copied: 0, already there: 2, missing: 1, changed: 0" in out.getvalue()


def test_reseal_moves_documents_of_an_old_key_to_the_current_key(world, settings, s3):
    sw = world.users["social_worker"]
    settings.STORAGES = {**settings.STORAGES, "documents": _encrypted_s3(s3)}
    upload = SimpleUploadedFile("brief.pdf", PDF_BYTES + SECRET, content_type="application/pdf")
    old = document_add(
        actor=sw, case=case_access(user=sw, case_id=world.case.pk), title="Brief", category="general", upload=upload
    )
    newer_key = new_key()
    settings.STORAGES = {**settings.STORAGES, "documents": _encrypted_s3(s3, key=newer_key, old_keys=[KEY])}
    out = io.StringIO()
    call_command("reseal_documents", stdout=out)
    call_command("reseal_documents", stdout=out)
    assert "resealed: 1, already current: 0" in out.getvalue() and "resealed: 0, already current: 1" in out.getvalue()
    document = Document.objects.get(pk=old.pk)
    assert document.file.name != old.file.name and not document_storage().exists(old.file.name)
    assert _object(s3, document.file.name)[4:8] == key_id(parse_key(newer_key))
    # The old key can go now.
    settings.STORAGES = {**settings.STORAGES, "documents": _encrypted_s3(s3, key=newer_key)}
    assert Document.objects.get(pk=old.pk).file.open("rb").read() == PDF_BYTES + SECRET
