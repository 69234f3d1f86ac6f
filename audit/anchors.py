"""The seals' heads outside the database: an append-only file (on by default) and, if
configured, syslog. Verification compares the database with the file, so cutting off the newest
seals, or rewriting a chain and its seals, is found even by someone who also holds the key.

Put the file where the database's administrators cannot write (another machine's mount, a
write-once store) or ship syslog to the central log server; a copy on the database server
itself only protects against a person with SQL access, not with shell access."""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger("notlagen.audit.anchors")


@dataclass(frozen=True)
class Anchor:
    first_entry_id: int
    last_entry_id: int
    head: str
    mac: str
    last_time: str


def _line(seal, last_time) -> str:
    return json.dumps(
        {
            "first": seal.first_entry_id,
            "last": seal.last_entry_id,
            "head": seal.head,
            "mac": seal.mac,
            "last_time": last_time.isoformat(),
        },
        separators=(",", ":"),
    )


def record(seal, *, last_time) -> None:
    """Write the seal to every configured sink. A failure is logged loudly and found by the next
    verification ("not recorded outside the database"); it never stops the sealing."""
    line = _line(seal, last_time)
    path = settings.ACCESS_LOG_ANCHOR_FILE
    if path:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # O_APPEND: concurrent writers never overwrite each other's lines.
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
            try:
                os.write(fd, (line + "\n").encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError:
            logger.exception("Could not record seal %s-%s in %s", seal.first_entry_id, seal.last_entry_id, path)
    if settings.ACCESS_LOG_ANCHOR_SYSLOG:
        _syslog().info("notlagen-access-log-seal %s", line)


_syslog_logger: logging.Logger | None = None


def _syslog() -> logging.Logger:
    global _syslog_logger
    if _syslog_logger is None:
        _syslog_logger = logging.getLogger("notlagen.audit.anchors.syslog")
        address = settings.ACCESS_LOG_ANCHOR_SYSLOG
        target = address if address.startswith("/") else (address.split(":")[0], int(address.split(":")[1]))
        _syslog_logger.addHandler(logging.handlers.SysLogHandler(address=target))
        _syslog_logger.setLevel(logging.INFO)
        _syslog_logger.propagate = False
    return _syslog_logger


def recorded() -> list[Anchor] | None:
    """The seals recorded in the file, or None when no file is configured."""
    path = settings.ACCESS_LOG_ANCHOR_FILE
    if not path:
        return None
    anchors = []
    try:
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    data = json.loads(line)
                    anchors.append(
                        Anchor(data["first"], data["last"], data["head"], data["mac"], data.get("last_time", ""))
                    )
    except FileNotFoundError:
        return []
    return anchors
