"""A hash chain for tamper-evident logs (the choice of posts, disciplinary cases): each entry's hash
covers its own content and the previous entry's hash, so editing, removing or inserting an entry
breaks every hash from there on. Pure Python."""

from __future__ import annotations

import hashlib
import json

GENESIS = "0" * 64


def canonical(seq: int, at, kind: str, actor: str, payload: dict) -> bytes:
    body = {"seq": seq, "at": at.isoformat(), "kind": kind, "actor": actor, "payload": payload}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, seq: int, at, kind: str, actor: str, payload: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(seq, at, kind, actor, payload)).hexdigest()
