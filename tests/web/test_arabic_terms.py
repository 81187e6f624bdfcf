"""The Arabic catalogue and the Arabic strings of the code say the texts' own words.

The words are those of ../shared/domain/ARABIC-TERMS.md, taken from the Arabic text of decree
2.91.527 (D93) and royal decree 747.67 (RD68). Each rule below is a word the catalogue used for a
legal notion, the word of the text that replaces it, and the article where the text says it.
"""

import ast
import datetime as dt
import re
from pathlib import Path

import pytest

import residanat

SRC = Path(residanat.__file__).parent
PO = SRC / "locale/ar/LC_MESSAGES/django.po"

# (forbidden, required, article, French notion the rule applies to: a regex on the msgid, or None
# for every message). Where a forbidden word is right for another notion (المصادقة for a payroll's
# approval or an authenticator app), the rule is limited to the messages naming the notion.
RULES = [
    # D93 art. 15 "لقب داخلي قديم"; RD68 ch. 4 "صفة داخلى قديم فى مستشفيات الصحة العمومية".
    (r"داخلي سابق|داخليين سابقين", "داخلي قديم", "D93 art. 15; RD68 ch. 4", None),
    # D93 art. 23 "وال يجوز ألي كان أن يحمل لقب مقيم قديم إن لم يصحح جميع السنوات".
    (r"مقيم سابق|مقيمين سابقين", "مقيم قديم", "D93 art. 23", None),
    # D93 art. 14 "تستغرق مدة العمل بالقسم الداخلي سنتين"; RD68 ch. 4.
    (r"(?<![\w])(ال|لل|ب|و|ول)?داخلية(?![\w])", "القسم الداخلي", "D93 art. 8, 14, 15; RD68 ch. 4", None),
    # D93 art. 17 "يقوم بتصحيح كل تدريب ... وكل تدريب استشفائي غير مصحح"; art. 23 "إن لم يصحح
    # جميع السنوات"; art. 21 1.a "الذين صححوا سنتين".
    (r"مصادق|المصادقة|مصادقة|صادق|صودق|يصادق", "صحّح / تصحيح / غير مصحّح", "D93 art. 4, 17, 21, 23",
     r"(?i)\b(stages?|années?|internat)\b.*\bvalid|\bvalid\w*\b.*\b(stages?|années?|internat)\b"
     r"|^(à valider|validée?|non validé|validation|Validation|validé par|validé le)$"),
    # D93 art. 27 "كموظفين متمرنين".
    (r"موظف(ا|ين|ون)? متدرب", "موظف متمرن", "D93 art. 27", None),
    # RD68 ch. 14 "تعويضا إجماليا".
    (r"جزافي", "تعويض إجمالي", "RD68 ch. 14", None),
    # D93 art. 13 "بعد مداولة لجنة المباراة".
    (r"لجنة التحكيم|للجنة التحكيم", "لجنة المباراة", "D93 art. 13", None),
    # D93 art. 7, 20, 28, 33 "إجازة"; RD68 ch. 11-12. "رخصة تغيب من غير أجرة" (RD68 ch. 17) is another notion.
    (r"رخص(?!ة (ال)?تغيب)", "إجازة", "D93 art. 7, 20, 28, 33; RD68 ch. 11-12",
     r"(?i)\bcong[ée]s?\b"),
    # D93 art. 32 bis "التحرر من هذا الالتزام ... إرجاع مجموع المبالغ": no "افتداء" in the text.
    (r"افتداء|الافتداء|افتداءات", "التحرر من الالتزام / إرجاع مجموع المبالغ", "D93 art. 32 bis", None),
    # RD68 ch. 8 "الإقصاء الموقت عن المهام": an RD68-only message does not say D93's "الطرد".
    (r"الطرد|طرد", "الإقصاء ... عن المهام", "RD68 ch. 8", r"^(?!.*D93).*RD68 ch\. 8"),
    # D93 art. 21-1 "بناء على الشهادات".
    (r"على أساس الشهادات", "بناء على الشهادات", "D93 art. 21-1", None),
    # D93 art. 6, 18, 27 "تعويضا عن المهام": the stipend of externs, interns and residents.
    (r"تعويض (ال)?(داخلي|المقيم|الخارجي|تدريب)", "التعويض عن المهام", "D93 art. 6, 18, 27", None),
    # RD68 ch. 17 "رخصة تغيب من غير أجرة".
    (r"غياب غير مؤدى|التغيب بدون أجر|التغيب غير المؤدى", "رخصة تغيب من غير أجرة", "RD68 ch. 17", None),
    # D93 art. 31 "بعد تقديم هذا الأخير ايضاحات مكتوبة".
    (r"توضيح", "إيضاحات مكتوبة", "D93 art. 31", r"(?i)\bexplications\b"),
    # RD68 ch. 6 "النيابات التى يترتب عنها وجوبا تغيير محل االقامة".
    (r"محل السكنى", "تغيير محل الإقامة", "RD68 ch. 6", r"(?i)changement de résidence"),
    # D93 art. 22, 27 "يمضون على التزام بالعمل".
    (r"(ملتزم|التزام|الالتزام)( \S+)? بالخدمة", "التزام بالعمل", "D93 art. 22, 27", None),
    # Meaning, not only words: a "spécialiste seul" is not paired in the campaign (not unmarried);
    # "couples bloquants" block the stability (they do not object); "le solveur" is a program.
    (r"الأعزب|العزاب", "المترشح بمفرده", "—", None),
    (r"المعترض|معترضين|معترضون", "المُخِلّون باستقرار التوزيع", "—", None),
    (r"الحلال", "برنامج الحل", "—", None),
    # "Intitulé" names a batch or a period (التسمية); only the document's title is عنوان الوثيقة.
    (r"عنوان الوثيقة", "التسمية", "—", r"^[Ii]ntitulé$"),
]

# The familiar imperative where an instruction is given: the catalogue says يرجى + masdar.
IMPERATIVES = r"(?:^|[:.؛،]\s*)(اكتب|اختر|أدخل|تحقق من|أقفله|أعد|اطلب|حدد|أضف|انقر|استعمل|ارفع|احذف)\s"


def catalogue(path=PO):
    """(msgctxt, msgid, [msgstr...]) of each entry of a .po file: the few lines of the format we use."""
    entries, current, field = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d\])?) (".*")$', line)
        if match:
            field = match[1]
            if field in ("msgctxt", "msgid") and current and "msgstr" in "".join(current):
                entries.append(current)
                current = None
            current = current or {}
            current[field] = ast.literal_eval(match[2])
        elif line.startswith('"') and current is not None:
            current[field] += ast.literal_eval(line)
        elif not line.strip() and current:
            entries.append(current)
            current = None
    return [(e.get("msgctxt"), e["msgid"], [v for k, v in e.items() if k.startswith("msgstr")])
            for e in entries if e.get("msgid")]


def test_the_catalogue_parser_reads_every_entry_with_its_context():
    entries = catalogue()
    assert len(entries) > 2000
    assert ("document", "Intitulé", ["عنوان الوثيقة"]) in entries
    assert (None, "Intitulé", ["التسمية"]) in entries


@pytest.mark.parametrize("forbidden, required, article, notion", RULES, ids=[r[1] for r in RULES])
def test_catalogue_uses_the_words_of_the_texts(forbidden, required, article, notion):
    wrong = [(msgid, msgstr) for ctx, msgid, msgstrs in catalogue() for msgstr in msgstrs
             if (notion is None or re.search(notion, msgid)) and ctx is None and re.search(forbidden, msgstr)]
    assert not wrong, f"{article}: say {required!r}, not {forbidden!r}:\n" + "\n".join(
        f"  {msgid!r} => {msgstr!r}" for msgid, msgstr in wrong)


def test_no_message_says_a_word_or_a_phrase_twice_in_a_row():
    """A replacement applied twice leaves "يرجى اليرجى …": no word or phrase is repeated back to back."""
    stutter = re.compile(r"(?<!\S)(\S+(?: \S+)*) \1(?!\S)")
    repeated = [(msgid, msgstr) for _, msgid, msgstrs in catalogue() for msgstr in msgstrs if stutter.search(msgstr)]
    assert not repeated, "\n".join(f"  {msgid!r} => {msgstr!r}" for msgid, msgstr in repeated)


def test_catalogue_gives_instructions_in_one_register():
    """"يرجى إدخال …", as most messages do, not the familiar "أدخل …"."""
    familiar = [(msgid, msgstr) for _, msgid, msgstrs in catalogue() for msgstr in msgstrs
                if re.search(IMPERATIVES, msgstr)]
    assert not familiar, "\n".join(f"  {msgid!r} => {msgstr!r}" for msgid, msgstr in familiar)


def test_the_titles_of_the_certificates_are_the_decrees_words():
    """D93 art. 15 "لقب داخلي قديم", art. 23 "لقب مقيم قديم إن لم يصحح جميع السنوات", RD68 ch. 4
    "داخلى قديم فى مستشفيات الصحة العمومية"."""
    ar = {msgid: msgstrs[0] for ctx, msgid, msgstrs in catalogue() if ctx is None}
    assert "داخلي قديم" in ar["Attestation d'ancien interne"]
    assert "مقيم قديم" in ar["Attestation d'ancien résident"]
    assert "داخلي قديم في مستشفيات الصحة العمومية" in ar["Attestation d'ancien interne des hôpitaux de santé publique"]
    resident = ar["Il est attesté que la personne désignée ci-dessous a validé toutes les années de résidanat, a "
                  "obtenu le diplôme de spécialité médicale et porte le titre d'ancien résident"]
    assert "صحّح جميع سنوات الإقامة" in resident and "لقب مقيم قديم" in resident


ARABIC_SOURCES = [*SRC.glob("**/*.py"), *SRC.glob("templates/**/*.html"), *SRC.glob("rules/data/*.toml")]


def test_arabic_strings_of_the_code_and_data_use_the_words_of_the_texts():
    """Rules that hold for every message hold for the Arabic written in the code and the data too."""
    arabic = re.compile(r"[\u0600-\u06FF]")
    wrong = []
    for path in ARABIC_SOURCES:
        if "migrations" in path.parts or path.name == Path(__file__).name:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not arabic.search(line) or line.lstrip().startswith("#"):
                continue
            for forbidden, required, article, notion in RULES:
                if notion is None and re.search(forbidden, line):
                    wrong.append(f"{path.relative_to(SRC)}:{number}: {article}: {required!r} — {line.strip()}")
    assert not wrong, "\n".join(wrong)


def test_an_rd68_exclusion_is_named_in_rd68_words_and_a_d93_one_in_d93_words():
    """RD68 ch. 8 "الإقصاء الموقت عن المهام"; D93 art. 30 "الطرد المؤقت من العمل"."""
    from django.utils import translation

    from residanat.discipline.models import sanction_label
    from residanat.rules import discipline as rules

    with translation.override("ar"):
        assert str(sanction_label(rules.TEMPORARY, rules.RD68)) == "الإقصاء المؤقت عن المهام"
        assert str(sanction_label(rules.DEFINITIVE, rules.RD68)) == "الإقصاء النهائي عن المهام"
        assert "الطرد المؤقت" in str(sanction_label(rules.TEMPORARY, rules.D93))
    with translation.override("fr"):
        assert str(sanction_label(rules.TEMPORARY, rules.RD68)) == "exclusion temporaire"
    too_long = rules.check_sanction("public_health_intern", rules.Sanction(
        rules.TEMPORARY, dt.date(2026, 1, 1), dt.date(2026, 6, 30)), proposal=rules.Sanction(rules.WARNING))
    assert too_long and "الإقصاء المؤقت عن المهام" in too_long[0].message_ar


@pytest.mark.django_db
@pytest.mark.pdf
def test_the_verify_page_calls_the_documents_title_its_title_and_the_extern_batch_form_a_name():
    """"Intitulé" of a document is عنوان الوثيقة (msgctxt "document"); of a batch or a period, التسمية."""
    from django.test import Client
    from django.utils import translation

    from residanat.careers.forms_externs import ExternBatchForm
    from residanat.people.attestations import issue_status_attestation
    from tests.documents.helpers import trainee_with_two_statuses

    document = issue_status_attestation(trainee_with_two_statuses(), "ar")
    page = Client().get("/ar/documents/verifier/", {"number": document.number, "hash": document.content_hash}).text
    assert 'data-valid="true"' in page and "عنوان الوثيقة" in page and "التسمية" not in page
    with translation.override("ar"):
        assert str(ExternBatchForm.base_fields["label"].label) == "التسمية"
