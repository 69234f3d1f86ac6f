"""Reading an uploaded exchange file safely: a size limit, UTF-8 only, and ZIP archives checked
before anything is unpacked (number of members, names, declared and actual sizes, compression
ratio), so a zip bomb or a path like "../../etc" is refused with a message and never expanded."""

from __future__ import annotations

import json
import posixpath
import zipfile
from io import BytesIO

from django.utils.translation import gettext as _

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 40
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_RATIO = 200  # CSV compresses well, but not by more than this
MAX_NAME = 120
ZIP_MAGIC = b"PK\x03\x04"


class Refused(Exception):
    """The file as a whole is refused; `message` says why, in the reader's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def display_name(name: str) -> str:
    """The upload's name as shown in messages (no directories, not overly long)."""
    base = posixpath.basename((name or "").replace("\\", "/")) or "upload"
    return base[:MAX_NAME]


def read(name: str, content: bytes) -> tuple[str, object]:
    """("json", the parsed document) or ("zip", {member name: text}); Refused otherwise."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise Refused(_("The file is larger than 5 MB and was not read."))
    if content.startswith(ZIP_MAGIC):
        return "zip", read_zip(content)
    if name.lower().endswith(".zip"):
        raise Refused(_("The file is not a valid ZIP archive."))
    text = decode(display_name(name), content)
    try:
        return "json", json.loads(text)
    except (ValueError, RecursionError):
        raise Refused(_("The file is neither a ZIP archive of CSV files nor valid JSON.")) from None


def decode(name: str, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused(_("%(file)s is not encoded in UTF-8. Please save it as UTF-8.") % {"file": name}) from None


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's file name; Refused for absolute paths, "..", backslashes or odd names."""
    raw = info.filename
    parts = raw.split("/")
    unsafe = (
        raw.startswith("/")
        or "\\" in raw
        or ".." in parts
        or ":" in raw
        or len(raw) > MAX_NAME
        or any(ord(char) < 32 for char in raw)
    )
    if unsafe:
        raise Refused(_("The ZIP archive contains a file with an unsafe name and was not unpacked."))
    return parts[-1]


def _check_members(archive: zipfile.ZipFile) -> list[tuple[str, zipfile.ZipInfo]]:
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise Refused(
            _("The ZIP archive contains more than %(count)d files and was not unpacked.") % {"count": MAX_MEMBERS}
        )
    members, total = [], 0
    for info in infos:
        name = _member_name(info)
        if info.is_dir():
            continue
        total += info.file_size
        too_big = info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES
        too_packed = info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        if too_big or too_packed:
            raise Refused(_("The ZIP archive unpacks to too much data and was not unpacked."))
        if info.flag_bits & 0x1:
            raise Refused(_("The ZIP archive is encrypted and cannot be read."))
        members.append((name, info))
    return members


def read_zip(content: bytes) -> dict[str, str]:
    """The CSV files and datapackage.json of the archive, decoded; other members are ignored."""
    try:
        archive = zipfile.ZipFile(BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        raise Refused(_("The file is not a valid ZIP archive.")) from None
    files: dict[str, str] = {}
    with archive:
        for name, info in _check_members(archive):
            if not (name.lower().endswith(".csv") or name == "datapackage.json"):
                continue
            if name in files:
                raise Refused(_("The ZIP archive contains %(file)s twice.") % {"file": name})
            try:
                with archive.open(info) as member:
                    # Never trust the declared size: read at most the limit plus one byte.
                    data = member.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError):
                raise Refused(_("The ZIP archive is damaged and cannot be read.")) from None
            if len(data) > MAX_MEMBER_BYTES:
                raise Refused(_("The ZIP archive unpacks to too much data and was not unpacked."))
            files[name] = decode(name, data)
    return files
