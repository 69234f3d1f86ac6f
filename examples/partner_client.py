#!/usr/bin/env python3
"""A small partner client of the Notlagen API, standard library only. It registers nothing by
itself: given a key (an agency administrator issues it under "API-Zugänge"), it

  sync     fetches the agency's incoming referrals changed since the last run (the cursor is
           kept in a file, so every run hands over only what is new or changed),
  accept   accepts a referral with If-Match (the ETag just read) and an Idempotency-Key,
  verify   checks a received webhook's Standard Webhooks signature.

    python examples/partner_client.py --key nlk_… sync
    python examples/partner_client.py --key nlk_… accept 2
    python examples/partner_client.py verify --secret whsec_… --id msg_… --timestamp 1767… \\
        --signature "v1,…" --body body.json
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

TOLERANCE_SECONDS = 5 * 60


def call(base: str, key: str, method: str, path: str, body: dict | None = None, headers: dict | None = None):
    """One request; returns (status, headers, parsed JSON body or None)."""
    if not base.startswith(("http://", "https://")):
        raise SystemExit("--base must be an http(s) address")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base.rstrip("/") + path, data=data, method=method)  # noqa: S310 (checked above)
    request.add_header("Authorization", f"Api-Key {key}")
    request.add_header("Accept-Language", "de")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (checked above)
            raw = response.read()
            return response.status, response.headers, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:  # problem+json: type, title, status, detail, errors
        raw = error.read()
        return error.code, error.headers, json.loads(raw) if raw else None


def sync(base: str, key: str, state: Path) -> int:
    """Every incoming referral changed since the cursor in `state`, page by page."""
    cursor = state.read_text().strip() if state.exists() else ""
    seen = 0
    while True:
        path = "/api/v1/referrals/incoming/" + (f"?cursor={cursor}" if cursor else "")
        status, _headers, page = call(base, key, "GET", path)
        if status != 200:
            print(f"{status}: {page}", file=sys.stderr)
            return 1
        for referral in page["results"]:
            seen += 1
            offer = referral["offer"]["name"]
            print(f"{referral['id']:>6}  {referral['status']:<14} {referral['case_reference']:<16} {offer}")
        cursor = page["next_cursor"] or cursor
        if cursor:
            state.write_text(cursor)  # after each page: a crash resumes where it stopped
        if not page["has_more"]:
            break
    print(f"{seen} referral(s) new or changed.")
    return 0


def accept(base: str, key: str, referral_id: int) -> int:
    status, headers, referral = call(base, key, "GET", f"/api/v1/referrals/{referral_id}/")
    if status != 200:
        print(f"{status}: {referral}", file=sys.stderr)
        return 1
    extra = {"If-Match": headers["ETag"], "Idempotency-Key": str(uuid.uuid4())}
    status, _headers, body = call(base, key, "POST", f"/api/v1/referrals/{referral_id}/accept/", {}, extra)
    print(status, json.dumps(body, ensure_ascii=False, indent=2))
    return 0 if status == 200 else 1


def signature_valid(
    secret: str, msg_id: str, timestamp: str, body: bytes, header: str, now: float | None = None
) -> bool:
    """Standard Webhooks: HMAC-SHA256 over "id.timestamp.body" with the base64 secret after
    "whsec_"; the header may carry several "v1,<base64>" signatures (during a secret rotation)."""
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        return False  # too old or from the future: a replay
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[1] for part in header.split() if part.startswith("v1,")]
    return any(hmac.compare_digest(expected, candidate) for candidate in offered)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--key", help="the API key (nlk_…)")
    commands = parser.add_subparsers(dest="command", required=True)
    sync_parser = commands.add_parser("sync")
    sync_parser.add_argument("--state", type=Path, default=Path("referrals.cursor"))
    commands.add_parser("accept").add_argument("referral_id", type=int)
    verify = commands.add_parser("verify")
    for name in ("secret", "id", "timestamp", "signature"):
        verify.add_argument(f"--{name}", required=True)
    verify.add_argument("--body", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "verify":
        ok = signature_valid(args.secret, args.id, args.timestamp, args.body.read_bytes(), args.signature)
        print("signature valid" if ok else "signature INVALID")
        return 0 if ok else 1
    if not args.key:
        parser.error("--key is required")
    if args.command == "sync":
        return sync(args.base, args.key, args.state)
    return accept(args.base, args.key, args.referral_id)


if __name__ == "__main__":
    sys.exit(main())
