"""Check a document against the register: by its printed hash (paper copy) or its bytes (file).

Anyone may ask, so a valid answer shows only what the document's title already says: kind,
title and issue date, never the facts about the person. The reason of an invalid answer is kept
for the code and its tests; the public page gives one answer for all of them, or it would tell
which numbers were issued (issue 20 item 4).
"""

import hashlib
import hmac
from dataclasses import dataclass

from django.utils import timezone

from .models import IssuedDocument


class Reason:
    VALID = "valid"
    UNKNOWN_NUMBER = "unknown_number"
    HASH_MISMATCH = "hash_mismatch"
    FILE_MISMATCH = "file_mismatch"


@dataclass(frozen=True)
class Verdict:
    reason: str
    document: IssuedDocument | None = None

    @property
    def valid(self) -> bool:
        return self.reason == Reason.VALID

    @property
    def issued_on(self):
        return timezone.localdate(self.document.issued_at) if self.document else None


def normalize_number(number: str) -> str:
    return "".join((number or "").split()).upper()


def normalize_hash(value: str) -> str:
    # People copy hashes with spaces, line breaks or in capitals; none of that changes the hash.
    return "".join((value or "").split()).lower()


def file_sha256(chunks) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _find(number: str) -> IssuedDocument | None:
    number = normalize_number(number)
    if not number:
        return None
    return IssuedDocument.objects.filter(number=number).exclude(content_hash="").first()


def verify_hash(number: str, printed_hash: str) -> Verdict:
    document = _find(number)
    if document is None:
        return Verdict(Reason.UNKNOWN_NUMBER)
    if not hmac.compare_digest(normalize_hash(printed_hash).encode(), document.content_hash.encode()):
        return Verdict(Reason.HASH_MISMATCH)
    return Verdict(Reason.VALID, document)


def verify_file(number: str, uploaded) -> Verdict:
    """`uploaded` is a Django UploadedFile or any object with `chunks()`; bytes are also accepted."""
    document = _find(number)
    if document is None:
        return Verdict(Reason.UNKNOWN_NUMBER)
    if isinstance(uploaded, (bytes, bytearray)):
        digest = hashlib.sha256(uploaded).hexdigest()
    else:
        digest = file_sha256(uploaded.chunks())
    if not document.file_sha256 or not hmac.compare_digest(digest, document.file_sha256):
        return Verdict(Reason.FILE_MISMATCH)
    return Verdict(Reason.VALID, document)
