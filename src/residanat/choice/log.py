"""The tamper-evident log of a choice session: a hash chain. Each entry's hash covers its own
content and the previous entry's hash, so editing, removing or inserting an entry breaks every
hash from there on; `verify` names the first entry that does not check out."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from residanat.hashchain import GENESIS, entry_hash

from .models import ChoiceSession, LogEntry

def do_append_entry(session: ChoiceSession, kind: str, payload: dict, actor=None) -> LogEntry:
    """Append an entry; the caller's transaction holds the session lock (see `seats.lock_session`)
    so that two writers never chain onto the same entry (the unique constraints would refuse it)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("the choice log is appended inside the transaction of the change it records")
    last = LogEntry.objects.filter(session=session).order_by("-seq").values("seq", "hash").first()
    seq = last["seq"] + 1 if last else 1
    prev = last["hash"] if last else GENESIS
    # Whole microseconds in UTC: what both databases store and give back unchanged.
    at = timezone.now().astimezone(dt.timezone.utc)
    actor_name = getattr(actor, "username", actor) or ""
    payload = json.loads(json.dumps(payload, ensure_ascii=False))
    return LogEntry.objects.create(
        session=session, seq=seq, at=at, kind=kind, actor=actor_name, payload=payload, prev_hash=prev,
        hash=entry_hash(prev, seq, at, kind, actor_name, payload))


@dataclass
class Verification:
    ok: bool
    entries: int
    head: str
    broken_seq: int | None = None
    problem: str = ""


def verify(session: ChoiceSession) -> Verification:
    """Recompute the chain from the first entry; stop at the first entry that does not check out."""
    prev = GENESIS
    count = 0
    expected_seq = 1
    for entry in LogEntry.objects.filter(session=session).order_by("seq").iterator():
        count += 1
        if entry.seq != expected_seq:
            return Verification(False, count, prev, entry.seq,
                                f"entry {entry.seq}: expected sequence number {expected_seq} (an entry is missing)")
        if entry.prev_hash != prev:
            return Verification(False, count, prev, entry.seq,
                                f"entry {entry.seq}: previous hash does not match entry {entry.seq - 1}")
        recomputed = entry_hash(prev, entry.seq, entry.at.astimezone(dt.timezone.utc), entry.kind, entry.actor,
                                entry.payload)
        if recomputed != entry.hash:
            return Verification(False, count, prev, entry.seq,
                                f"entry {entry.seq} ({entry.kind}): content does not match its hash (edited)")
        prev = entry.hash
        expected_seq += 1
    return Verification(True, count, prev)


def head(session: ChoiceSession) -> str:
    last = LogEntry.objects.filter(session=session).order_by("-seq").values_list("hash", flat=True).first()
    return last or GENESIS
