"""Stored files by name, and their encryption at rest.

Code asks for a storage by its name in settings.STORAGES (``named_storage("documents")``) and
never knows the backend: the filesystem (the embedded default) or S3-compatible object storage
through django-storages (notlagen/settings/storage.py). With a files key (NOTLAGEN_FILES_KEY)
the backend is wrapped in ``EncryptedStorage``: every file is sealed in this process before it
leaves it, so neither the operator of the object storage nor a copy of the disk reads it.

An encrypted file (format 1):
  header, 72 bytes: b"NLF1" | key id (4) | chunk size (4, big-endian) | nonce (12) | the file's
      random 256-bit data key sealed with the files key (32 + 16 tag); the first 12 bytes are
      the associated data, so the key id and chunk size cannot be changed unnoticed.
  body: the plaintext in chunks of `chunk size` bytes, each sealed with AES-256-GCM under the
      data key; nonce = chunk index (11 bytes) + 1 on the last chunk (1 byte), the whole header
      as associated data. A changed, swapped, reordered, cut or extended file fails to open.
The key id (from the key itself) names the key a file was sealed with, so a new key can take
over while older keys (NOTLAGEN_FILES_OLD_KEYS) still open older files.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import posixpath
import struct
import tempfile
from collections.abc import Iterator
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.utils.functional import LazyObject, empty
from django.utils.module_loading import import_string

MAGIC = b"NLF1"
CHUNK_SIZE = 64 * 1024
TAG = 16
_PREFIX = struct.Struct(">4s4sI")  # magic, key id, chunk size: the associated data of the data key
HEADER_SIZE = _PREFIX.size + 12 + 32 + TAG
# Sealed files up to this size are built in memory before the upload; larger ones in a temporary
# file (ciphertext only), so a large scan is never held in memory whole.
SPOOL_BYTES = 1024 * 1024


class FileIntegrityError(Exception):
    """A stored file is not what was stored: changed, cut, or sealed with a key not configured."""


def parse_key(text: str) -> bytes:
    """A files key: 32 random bytes in base64 (standard or URL-safe alphabet)."""
    try:
        key = base64.urlsafe_b64decode(text.strip().replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        raise ValueError("a files key must be base64 (32 random bytes)") from None
    if len(key) != 32:
        raise ValueError(f"a files key must be 32 bytes in base64, not {len(key)} bytes")
    return key


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"notlagen files key id\0" + key).digest()[:4]


def new_key() -> str:
    """A fresh files key, as NOTLAGEN_FILES_KEY takes it."""
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _exact_chunks(content, size: int) -> Iterator[bytes]:
    """The content in pieces of exactly `size` bytes (the last may be shorter)."""
    buffer = bytearray()
    for part in content.chunks():
        buffer += part
        while len(buffer) >= size:
            yield bytes(buffer[:size])
            del buffer[:size]
    if buffer:
        yield bytes(buffer)


class EncryptedStorage(Storage):
    """Another storage (OPTIONS "storage": a STORAGES entry) that holds only sealed files."""

    chunk_size = CHUNK_SIZE

    def __init__(self, *, storage: dict, key: str, old_keys=()):
        self.inner = import_string(storage["BACKEND"])(**storage.get("OPTIONS", {}))
        keys = [parse_key(key), *(parse_key(old) for old in old_keys)]
        self._ciphers = {}
        for each in reversed(keys):  # on a (4-byte) id collision the current key wins
            self._ciphers[key_id(each)] = AESGCM(each)
        self._current = key_id(keys[0])

    @property
    def current_key_id(self) -> bytes:
        return self._current

    # Writing -------------------------------------------------------------------------------

    def _save(self, name, content):
        temp_dir = getattr(settings, "FILE_UPLOAD_TEMP_DIR", None)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES, dir=temp_dir) as sealed:
            self._seal(content, sealed)
            sealed.seek(0)
            return self.inner._save(name, File(sealed, name=name))

    def _seal(self, content, out) -> None:
        data_key = AESGCM.generate_key(bit_length=256)
        prefix = _PREFIX.pack(MAGIC, self._current, self.chunk_size)
        wrap_nonce = os.urandom(12)
        header = prefix + wrap_nonce + self._ciphers[self._current].encrypt(wrap_nonce, data_key, prefix)
        out.write(header)
        cipher = AESGCM(data_key)
        index, pending = 0, None
        for piece in _exact_chunks(content, self.chunk_size):
            if pending is not None:
                out.write(cipher.encrypt(_nonce(index, False), pending, header))
                index += 1
            pending = piece
        out.write(cipher.encrypt(_nonce(index, True), pending or b"", header))

    # Reading -------------------------------------------------------------------------------

    def _open(self, name, mode="rb"):
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Encrypted files are written with save(), not opened for writing.")
        raw = self.inner.open(name, "rb")
        try:
            plain = _Plaintext(raw, raw.size, self._ciphers, name)
            plain.verify()
        except BaseException:
            raw.close()
            raise
        return File(plain, name=name)

    def size(self, name):
        # From the stored size alone (no download): every file is sealed in CHUNK_SIZE chunks.
        body = self.inner.size(name) - HEADER_SIZE
        return body - max(1, -(-body // (self.chunk_size + TAG))) * TAG

    # Everything else is the inner storage's --------------------------------------------------

    def delete(self, name):
        return self.inner.delete(name)

    def exists(self, name):
        return self.inner.exists(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def get_available_name(self, name, max_length=None):
        return self.inner.get_available_name(name, max_length=max_length)

    def get_valid_name(self, name):
        return self.inner.get_valid_name(name)

    def generate_filename(self, filename):
        return self.inner.generate_filename(filename)

    def get_modified_time(self, name):
        return self.inner.get_modified_time(name)

    def get_created_time(self, name):
        return self.inner.get_created_time(name)

    def get_accessed_time(self, name):
        return self.inner.get_accessed_time(name)

    def url(self, name):
        raise NotImplementedError("Encrypted files have no URL: they are served by a permission-checked view.")


def _parse_prefix(prefix: bytes, name: str) -> tuple[bytes, int]:
    if len(prefix) != _PREFIX.size:
        raise FileIntegrityError(f"{name}: too short for an encrypted file")
    magic, kid, chunk_size = _PREFIX.unpack(prefix)
    if magic != MAGIC or not 0 < chunk_size <= 64 * 1024 * 1024:
        raise FileIntegrityError(f"{name}: not an encrypted file of this application")
    return kid, chunk_size


class _Plaintext(io.RawIOBase):
    """The plaintext of a sealed file, read and checked chunk by chunk, seekable."""

    def __init__(self, raw, sealed_size: int, ciphers: dict, name: str):
        super().__init__()
        self._raw, self.name = raw, name
        self._header = self._read_exactly(HEADER_SIZE)
        kid, self._chunk = _parse_prefix(self._header[: _PREFIX.size], name)
        self.key_id = kid  # the key this file was sealed with
        if kid not in ciphers:
            raise FileIntegrityError(f"{name}: sealed with key id {kid.hex()}, which is not configured")
        try:
            data_key = ciphers[kid].decrypt(self._header[12:24], self._header[24:], self._header[:12])
        except InvalidTag:
            raise FileIntegrityError(f"{name}: the header was changed") from None
        self._cipher = AESGCM(data_key)
        body = sealed_size - HEADER_SIZE
        self._count = max(1, -(-body // (self._chunk + TAG)))
        last = body - (self._count - 1) * (self._chunk + TAG)
        if not TAG <= last <= self._chunk + TAG:
            raise FileIntegrityError(f"{name}: cut or extended")
        self.size = body - self._count * TAG
        self._pos, self._cached = 0, (-1, b"")

    def _read_exactly(self, count: int) -> bytes:
        data = bytearray()
        while len(data) < count:
            part = self._raw.read(count - len(data))
            if not part:
                break
            data += part
        return bytes(data)

    def _chunk_at(self, index: int) -> bytes:
        if self._cached[0] == index:
            return self._cached[1]
        self._raw.seek(HEADER_SIZE + index * (self._chunk + TAG))
        sealed = self._read_exactly(self._chunk + TAG)
        try:
            plain = self._cipher.decrypt(_nonce(index, index == self._count - 1), sealed, self._header)
        except InvalidTag:
            raise FileIntegrityError(f"{self.name}: chunk {index} was changed") from None
        self._cached = (index, plain)
        return plain

    def verify(self) -> None:
        """Check every chunk before the first byte is handed out (a download never stops
        half-way on a changed file): the cost is one more decryption pass, no memory."""
        for index in range(self._count):
            self._chunk_at(index)
        self.seek(0)

    def readable(self):
        return True

    def seekable(self):
        return True

    def readinto(self, buffer) -> int:
        """As many bytes as asked for, across chunk borders, fewer only at the end."""
        done = 0
        while done < len(buffer) and self._pos < self.size:
            index, offset = divmod(self._pos, self._chunk)
            data = self._chunk_at(index)[offset : offset + len(buffer) - done]
            buffer[done : done + len(data)] = data
            done += len(data)
            self._pos += len(data)
        return done

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self.size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def tell(self):
        return self._pos

    def close(self):
        if not self.closed:
            self._raw.close()
        super().close()


# Storages by name -------------------------------------------------------------------------

_named: list[NamedStorage] = []


class NamedStorage(LazyObject):
    """storages[alias], looked up when first used and again after STORAGES changes (tests'
    override_settings), so a model field can hold it while the backend stays configurable."""

    def __init__(self, alias: str):
        self.__dict__["_alias"] = alias
        super().__init__()
        _named.append(self)

    def _setup(self):
        self._wrapped = storages[self._alias]

    def __copy__(self):
        return self  # a name, not a copy of a backend

    def __deepcopy__(self, memo):
        return self


def named_storage(alias: str) -> NamedStorage:
    for each in _named:
        if each._alias == alias:
            return each
    return NamedStorage(alias)


def _forget_storages(*, setting, **kwargs):
    if setting == "STORAGES":
        for each in _named:
            each._wrapped = empty


setting_changed.connect(_forget_storages)


def stored_files(storage) -> Iterator[tuple[str, datetime]]:
    """Every stored file's name and last change (for sweeps): one paged listing of the prefix in
    object storage, a walk of the folders elsewhere."""
    from storages.backends.s3 import S3Storage

    base = getattr(storage, "inner", storage)
    if isinstance(base, S3Storage):
        prefix = base.location.strip("/") + "/" if base.location.strip("/") else ""
        for entry in base.bucket.objects.filter(Prefix=prefix):
            if not entry.key.endswith("/"):
                yield entry.key[len(prefix) :], entry.last_modified
        return
    yield from _walk(storage, "")


def _walk(storage, folder: str) -> Iterator[tuple[str, datetime]]:
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for each in files:
        name = posixpath.join(folder, each)
        yield name, storage.get_modified_time(name)
    for each in folders:
        yield from _walk(storage, posixpath.join(folder, each))
