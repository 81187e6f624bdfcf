import hashlib
import json
import logging
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from residanat.accounts.roles import Role
from residanat.documents import pdf
from residanat.documents.attestations import mask_identifier
from residanat.people.attestations import issue_status_attestation
from residanat.documents.models import IssuedDocument
from tests.accounts.factories import user_with_role
from tests.documents.helpers import pdf_text, trainee_with_two_statuses
from tests.referential.factories import FacultyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]

NUMBER = re.compile(rf"^{settings.RESIDANAT_DOCUMENT_PREFIX}-(\d{{4}})-(\d{{6}})$")


def test_arabic_attestation_pdf_carries_the_arabic_name_shaped_as_text_and_the_number():
    person = trainee_with_two_statuses(last_name_ar="العلوي", first_name_ar="سلمى")
    document = issue_status_attestation(person, "ar")
    text = pdf_text(document.file.path)
    assert "العلوي" in text
    assert "سلمى" in text
    assert document.number in text
    assert document.language == "ar"


def test_french_attestation_pdf_says_attestation_and_shows_the_number():
    document = issue_status_attestation(trainee_with_two_statuses(), "fr")
    text = pdf_text(document.file.path)
    assert "Attestation" in text
    assert document.number in text


def test_attestation_prints_only_the_last_three_characters_of_the_cin():
    # A fixed name: the factory's numbered names (ALAOUI1734) would contain the digits looked for.
    person = trainee_with_two_statuses(national_id="BE734512", last_name="ALAOUI", first_name="Salma")
    text = pdf_text(issue_status_attestation(person, "fr").file.path)
    assert "BE734512" not in text and "734" not in text
    assert "•••••512" in text


def test_mask_identifier_hides_all_but_the_last_three_characters():
    assert mask_identifier("AB123456") == "•••••456"
    assert mask_identifier("AB1") == "•••"
    assert mask_identifier("") == ""


def test_document_numbers_are_unique_and_read_prefix_year_and_six_digit_sequence():
    person = trainee_with_two_statuses()
    documents = [issue_status_attestation(person, language) for language in ("fr", "ar", "fr")]
    numbers = [d.number for d in documents]
    assert len(set(numbers)) == 3
    year = timezone.localdate().year
    for document in documents:
        match = NUMBER.match(document.number)
        assert match, document.number
        assert int(match[1]) == year
        assert int(match[2]) == document.pk


def test_content_hash_printed_in_the_pdf_equals_the_stored_one():
    document = issue_status_attestation(trainee_with_two_statuses(), "ar")
    printed = re.findall(r"\b[0-9a-f]{64}\b", pdf_text(document.file.path))
    assert printed == [document.content_hash]


def test_content_hash_is_sha256_of_the_canonical_json_of_what_the_document_states():
    facts = {"amount": Decimal("12.50"), "name": "العلوي"}
    document = pdf.issue_pdf(
        template="documents/pdf_base.html", facts=facts, kind="test", title="Essai", language="fr"
    )
    issued_on = timezone.localdate(document.issued_at)
    canonical = json.dumps(
        {"facts": {"amount": "12.50", "name": "العلوي"}, "issued_on": issued_on.isoformat(), "kind": "test",
         "language": "fr", "number": document.number, "title": "Essai"},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    assert document.content_hash == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_stored_file_hash_and_size_describe_the_archived_pdf():
    document = issue_status_attestation(trainee_with_two_statuses(), "fr")
    data = Path(document.file.path).read_bytes()
    assert data.startswith(b"%PDF-")
    assert document.size == len(data)
    assert document.file_sha256 == hashlib.sha256(data).hexdigest()


def test_issuing_is_refused_to_a_user_who_cannot_see_the_person():
    person = trainee_with_two_statuses()
    dean_elsewhere = user_with_role(Role.DEAN_OFFICE, faculty=FacultyFactory())
    with pytest.raises(PermissionDenied):
        issue_status_attestation(person, "fr", issued_by=dean_elsewhere)
    assert not IssuedDocument.objects.exists()


def test_dean_office_of_the_person_faculty_may_issue_and_is_recorded_as_issuer():
    person = trainee_with_two_statuses()
    dean = user_with_role(Role.DEAN_OFFICE, faculty=person.statuses.first().faculty)
    document = issue_status_attestation(person, "fr", issued_by=dean)
    assert document.issued_by == dean and document.person == person


class Exploding:
    def __str__(self):
        raise RuntimeError("rendering failed")


BROKEN_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": settings.TEMPLATES[0]["DIRS"],
        "OPTIONS": {
            "context_processors": [],
            "loaders": [
                ("django.template.loaders.locmem.Loader", {
                    "documents/broken.html":
                        '{% extends "documents/pdf_base.html" %}{% block body %}{{ boom }}{% endblock %}',
                }),
                "django.template.loaders.filesystem.Loader",
            ],
        },
    }
]


def _archived_files():
    root = Path(settings.MEDIA_ROOT) / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@override_settings(TEMPLATES=BROKEN_TEMPLATES)
def test_a_template_that_raises_leaves_no_issued_document_and_no_file():
    before = _archived_files()
    with pytest.raises(RuntimeError):
        pdf.issue_pdf(template="documents/broken.html", facts={}, kind="test", title="Essai", language="fr",
                      extra_context={"boom": Exploding()})
    assert not IssuedDocument.objects.exists()
    assert _archived_files() == before


def test_a_failure_after_the_file_is_written_removes_the_file_and_the_row(monkeypatch):
    before = _archived_files()
    original_save = IssuedDocument.save

    def save_failing_on_final_update(self, *args, **kwargs):
        if kwargs.get("update_fields"):
            raise RuntimeError("database went away")
        return original_save(self, *args, **kwargs)

    monkeypatch.setattr(IssuedDocument, "save", save_failing_on_final_update)
    with pytest.raises(RuntimeError):
        issue_status_attestation(trainee_with_two_statuses(), "fr")
    assert not IssuedDocument.objects.exists()
    assert _archived_files() == before


def test_facts_that_cannot_be_hashed_canonically_are_refused_before_anything_is_written():
    with pytest.raises(TypeError):
        pdf.issue_pdf(template="documents/pdf_base.html", facts={"x": object()}, kind="test", title="Essai",
                      language="fr")
    assert not IssuedDocument.objects.exists()


def test_rendering_logs_no_weasyprint_warning_so_no_css_or_font_was_dropped(caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    issue_status_attestation(trainee_with_two_statuses(), "ar")
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []


def test_arabic_attestation_embeds_the_arabic_face_and_every_font_it_uses():
    document = issue_status_attestation(trainee_with_two_statuses(), "ar")
    listing = subprocess.run(["pdffonts", document.file.path], capture_output=True, check=True, text=True).stdout
    rows = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    assert any("Residanat-Arabic" in row[0] for row in rows)
    # Columns: name, type..., encoding, emb, sub, uni, object, generation.
    assert all(row[-5] == "yes" and row[-3] == "yes" for row in rows), listing


OFFLINE_TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "OPTIONS": {
            "loaders": [
                ("django.template.loaders.locmem.Loader", {
                    "documents/offline.html": (
                        '{% load static %}<html><head><style>'
                        '@font-face { font-family: Vendored; '
                        'src: url("{% static "vendor/fonts/noto-sans-latin-400-normal.woff2" %}") }'
                        'body { font-family: Vendored }</style></head><body>Bonjour'
                        '<img src="file:///etc/passwd"><img src="http://example.com/pixel.png"></body></html>'
                    ),
                }),
            ],
        },
    }
]


@override_settings(TEMPLATES=OFFLINE_TEMPLATES)
def test_rendering_reads_static_files_but_neither_the_network_nor_other_local_files(caplog):
    caplog.set_level(logging.WARNING, logger="weasyprint")
    data = pdf.render_pdf_bytes(template="documents/offline.html", facts={}, kind="test", title="Essai",
                                language="fr")
    fonts = subprocess.run(["pdffonts", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "Vendored" in fonts
    refused = " ".join(r.getMessage() for r in caplog.records)
    assert "file:///etc/passwd" in refused and "not allowed" in refused
    assert "http://example.com/pixel.png" in refused and "disallowed protocol" in refused
