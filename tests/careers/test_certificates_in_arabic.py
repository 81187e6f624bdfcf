"""The Arabic certificates, rendered to real PDF, carry the decrees' own titles and verbs.

D93 art. 15: "وال يجوز ألي كان أن يحمل لقب داخلي قديم ان لم يثبت قضاءه بالفعل سنتين في القسم الداخلي".
D93 art. 17: "يقوم بتصحيح كل تدريب با لقسم الداخلي رئيس المصلحة االستشفائية".
D93 art. 23: "وال يجوز ألي كان أن يحمل لقب مقيم قديم إن لم يصحح جميع السنوات ويحصل على شهادة التخصص".
RD68 ch. 4: "وال يجوز الى كان أن يحمل صفة داخلى قديم فى مستشفيات الصحة العمومية".
"""

import datetime as dt
import re
import unicodedata

import pytest

from residanat.careers import documents
from tests.careers.test_career_documents import diploma, intern_with_rotations, resident_with_years, validated
from tests.careers.world import CareersWorld
from tests.documents.helpers import pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]
D = dt.date


@pytest.fixture
def w():
    return CareersWorld()


def flat(text: str) -> str:
    """Arabic text as letters only, whatever order and form pdftotext gives it in: presentation forms
    folded (NFKC), bidi marks, vowel marks and shadda (which pdftotext may set apart) and tatweel
    dropped, and no spaces (pdftotext may cut a word, or a phrase across lines)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(c for c in text if not c.isspace() and c != "\u0640"
                   and unicodedata.category(c) not in ("Mn", "Cf"))


def says(pdf: str, phrase: str) -> bool:
    """`phrase` is in the PDF's text, read in logical order, or in visual order: pdftotext may give
    a line's runs (between its bidi marks or wide gaps) from left to right, or reverse the letters."""
    logical = "\n".join("".join(reversed(re.split(r"([\u202a-\u202e]+|\s{2,})", line))) for line in pdf.splitlines())
    wanted = flat(phrase)
    return any(wanted in flat(text) or wanted[::-1] in flat(text) for text in (pdf, logical))


def test_flat_reads_presentation_forms_bidi_marks_split_words_and_visual_order():
    # What pdftotext gave for the title and the verb: marks around the text, a word cut, a shadda set apart.
    assert says("\u202bالمم لكة المغر بية\u202c", "المملكة المغربية")
    assert says("قد صح \u0651ح جميع", "قد صحّح جميع")
    assert says("\ufee3\ufed8\ufef4\ufee2 \ufed7\ufeaa\ufef3\ufee2", "مقيم قديم")  # presentation forms
    assert says("ميدق ميقم", "مقيم قديم")  # visual order, letter by letter
    assert says("\u202bالمصححة\u202c \u202bسنوات الإقامة\u202c", "سنوات الإقامة المصحَّحة")  # runs right to left
    assert not says("مقيم سابق", "مقيم قديم")


def test_arabic_former_resident_certificate_says_muqim_qadim_and_sahhaha_all_the_years(w):
    """D93 art. 23 "لقب مقيم قديم إن لم يصحح جميع السنوات": صحّح (validated), not صادق على (approved)."""
    status = resident_with_years(w, 5)
    diploma(w, status)
    text = pdf_text(documents.do_issue_title_attestation(status, by=w.dean, language="ar").file.path)
    assert says(text, "شهادة مقيم قديم")
    assert says(text, "قد صحّح جميع سنوات الإقامة")
    assert says(text, "ويحمل لقب مقيم قديم")
    assert says(text, "سنوات الإقامة المصحَّحة")
    for wrong in ("مقيم سابق", "صادق على", "المصادق عليها"):
        assert not says(text, wrong), wrong


def test_arabic_former_intern_certificate_says_dakhili_qadim_and_al_qism_al_dakhili(w):
    """D93 art. 14-15: "مدة العمل بالقسم الداخلي", "لقب داخلي قديم"; art. 17: the rotations صحّحها."""
    status = intern_with_rotations(w, D(2023, 11, 1))
    text = pdf_text(documents.do_issue_title_attestation(status, by=w.dean, language="ar",
                                                         today=D(2025, 11, 1)).file.path)
    assert says(text, "شهادة داخلي قديم")
    assert says(text, "قد أتم العمل بالقسم الداخلي، وصحّح فترات تدريبه الأربع")
    assert says(text, "ويحمل لقب داخلي قديم")
    assert says(text, "فترات التدريب المصحَّحة")
    for wrong in ("داخلي سابق", "الداخلية", "صودق", "المصادق"):
        assert not says(text, wrong), wrong


def test_arabic_former_public_health_intern_certificate_says_the_rd68_title(w):
    """RD68 ch. 4: "داخلى قديم فى مستشفيات الصحة العمومية"."""
    status = w.ph_intern(start=D(2023, 11, 1))
    text = pdf_text(documents.do_issue_title_attestation(status, by=w.ministry, language="ar",
                                                         today=D(2026, 11, 1)).file.path)
    assert says(text, "شهادة داخلي قديم في مستشفيات الصحة العمومية")
    assert says(text, "ويحمل لقب داخلي قديم في مستشفيات الصحة العمومية")
    assert not says(text, "داخلي سابق")


def test_arabic_rotation_certificate_says_the_head_of_service_sahhaha(w):
    """D93 art. 17 "يقوم بتصحيح كل تدريب ... رئيس المصلحة"."""
    rotation = validated(w, w.intern(start=D(2025, 11, 1)), "paediatrics", D(2025, 11, 1))
    text = pdf_text(documents.do_issue_rotation_certificate(rotation, by=w.dean, language="ar").file.path)
    assert says(text, "فترة التدريب التالية، التي صحّحها رئيس المصلحة")
    assert re.search(r"\d\d/\d\d/\d{4}", text)
    assert not says(text, "صادق")
