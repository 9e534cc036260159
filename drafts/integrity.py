"""The fingerprint of an approved text: what the reviewer saw is what the sender sends."""

from __future__ import annotations

import hashlib


def body_hash(subject: str | None, body: str) -> str:
    """A SHA-256 over subject and body, stored at approval and checked again at send time."""
    digest = hashlib.sha256()
    digest.update((subject or "").encode("utf-8"))
    digest.update(b"\x00")
    digest.update(body.encode("utf-8"))
    return digest.hexdigest()
