"""A trainee's payslip (bulletin de paie) for one run, in French or Arabic: who, status,
establishment, payer, month; each line with its rule (label, article), days and monthly rate; the
adjustment lines with the month they correct and why; the net; the account credited, masked but for
its last 4 digits.

Who sees a payslip: the trainee, their own and only once the run is closed (a run may be computed
again until then); the payroll's readers (kinds.readers(PAYSLIP), i.e. authority.READERS) any
payslip of a run they see, also before closing as a preview marked PROVISOIRE. Anything else is not found (404). A closed
run's payslip is an issued document (numbered, verifiable); the same facts give it back."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import translation
from django.utils.translation import gettext_lazy

from residanat.documents import kinds
from residanat.documents.attestations import identity_facts
from residanat.documents.http import document_language
from residanat.documents.models import IssuedDocument
from residanat.documents.pdf import already_issued, issue_pdf, render_pdf_bytes
from residanat.documents.readers import Readers
from residanat.people.models import Person, TraineeStatus

from . import authority
from .documents import ZERO, money, run_facts
from .models import BankAccount, PayLine, PayrollRun

# The payroll's readers, on the lines of the runs their payer's scope reaches (a CHU's officer and
# director: that CHU's runs); the trainee their own. Law 09-08 art. 3: not a head of service.
PAYSLIP = kinds.register("payslip", gettext_lazy("Bulletin de paie"),
                         readers=Readers(authority.READERS, through=PayLine))
VISIBLE_RIB_DIGITS = 4

# The lines' codes (rules/payroll.py) as a payslip names them.
CODE_LABELS = {
    "extern.stipend": gettext_lazy("Indemnité de stage de l'externe"),
    "intern.stipend": gettext_lazy("Indemnité de l'interne"),
    "intern.housing": gettext_lazy("Indemnité de logement de l'interne"),
    "resident.stipend": gettext_lazy("Indemnité du résident"),
    "resident.salary_outside": gettext_lazy("Traitement versé hors de cette paie (résident fonctionnaire ou "
                                            "détaché)"),
    "ph_intern.stipend": gettext_lazy("Indemnité de l'interne des hôpitaux de santé publique"),
    "ph_intern.housing": gettext_lazy("Indemnité de logement de l'interne des hôpitaux de santé publique"),
    "seventh_year.lump_sum": gettext_lazy("Indemnité forfaitaire de l'étudiant de 7e année chargé de fonctions "
                                          "d'interne"),
}


# The salary paid outside, as the payslip words it for who pays it (D93 art. 27, 27 bis).
SALARY_OUTSIDE_BY_PAYER = {
    # Art. 27 last ¶: "يستمر ... في تقاضي الأجرة المقررة لوضعيتهم النظامية"; art. 27 bis b: "وتدرج أجورهم
    # بميزانيات هذه الإدارات".
    "ADMINISTRATION": gettext_lazy("Traitement versé par l'administration du résident, hors de cette paie "
                                   "(D93 art. 27, 27 bis)"),
    # Art. 27 ¶2: a trainee civil servant under the 8-year commitment.
    "CHU": gettext_lazy("Traitement de fonctionnaire stagiaire, versé hors de cette paie (D93 art. 27)"),
}


class PayslipUnavailable(Exception):
    """No payslip of this person in this run for this user: the page answers 404."""


def code_label(code: str, payer: str = "") -> str:
    if code == "resident.salary_outside" and payer in SALARY_OUTSIDE_BY_PAYER:
        return str(SALARY_OUTSIDE_BY_PAYER[payer])
    return str(CODE_LABELS.get(code, code))


def mask_rib(rib: str) -> str:
    """Only the last 4 digits, in the groups of 4 a RIB is read in: enough to recognise one's
    account, not to use it."""
    digits = (rib or "").replace(" ", "")
    if not digits:
        return ""
    masked = "•" * (len(digits) - VISIBLE_RIB_DIGITS) + digits[-VISIBLE_RIB_DIGITS:]
    return " ".join(masked[i:i + 4] for i in range(0, len(masked), 4))


@dataclass
class Payslip:
    run: PayrollRun
    person: Person
    lines: list[PayLine]

    @property
    def provisional(self) -> bool:
        return self.run.state != PayrollRun.State.CLOSED


def _runs():
    return PayrollRun.objects.select_related("hospital_centre", "health_group")


def find_payslip(user, run_pk: int, person_pk: int) -> Payslip:
    """The payslip `user` may open, or PayslipUnavailable. The lines come from the kind's readers
    (kinds.readers(PAYSLIP).rows: the payroll's readers on the runs of their payer's scope, and the
    user's own), the rule the register applies to the issued payslip."""
    readers = kinds.readers(PAYSLIP)
    lines = readers.rows(user).filter(person_id=person_pk)
    run = None
    if readers.held_by(user):
        run = _runs().visible_to(user).exclude(state=PayrollRun.State.OPEN).filter(pk=run_pk).first()
    if run is None:
        # Anyone else: their own payslip, of a closed run only.
        run = _runs().filter(pk=run_pk, state=PayrollRun.State.CLOSED).first()
        lines = lines.filter(person__user=user) if user.is_authenticated else lines.none()
    if run is None:
        raise PayslipUnavailable
    found = list(lines.filter(run=run).select_related("person", "establishment", "hospital_centre")
                 .order_by("month_corrected", "pk"))
    # The month's own lines first, then the adjustments by month; within a month, the codes in the
    # order of CODE_LABELS (the stipend before the housing allowance).
    order = {code: i for i, code in enumerate(CODE_LABELS)}
    found.sort(key=lambda line: (line.kind != PayLine.Kind.REGULAR, line.month_corrected,
                                 order.get(line.code, len(order)), line.code))
    if not found:
        raise PayslipUnavailable
    return Payslip(run, found[0].person, found)


def _place(line: PayLine, language: str) -> str:
    unit = line.establishment or line.hospital_centre
    if unit is None:
        return ""
    return (unit.name_ar if language == "ar" and unit.name_ar else unit.name_fr)


def _kind_label(kind: str) -> str:
    return str(TraineeStatus.Kind(kind).label) if kind in TraineeStatus.Kind.values else kind


def payslip_facts(slip: Payslip, language: str) -> dict:
    with translation.override(language):
        statuses = []
        for line in slip.lines:
            entry = {"kind": _kind_label(line.status_kind), "place": _place(line, language)}
            if entry not in statuses:
                statuses.append(entry)
        regular = [line for line in slip.lines if line.kind == PayLine.Kind.REGULAR]
        adjustments = [line for line in slip.lines if line.kind == PayLine.Kind.ADJUSTMENT]
        net = sum((line.amount for line in slip.lines), ZERO)
        account = BankAccount.objects.filter(person=slip.person).first()
        return {
            **run_facts(slip.run, language),
            "person": identity_facts(slip.person),
            "statuses": statuses,
            "lines": [{"label": code_label(l.code, l.payer), "code": l.code, "ref": l.ref, "days": l.days,
                       "rate": money(l.rate), "amount": money(l.amount)} for l in regular],
            "adjustments": [{"month": l.month_corrected, "label": code_label(l.code, l.payer), "ref": l.ref,
                             "reason": str(l.get_reason_display()), "detail": l.reason_detail, "days": l.days,
                             "rate": money(l.rate), "previously_paid": money(l.previously_paid)
                             if l.previously_paid is not None else "", "amount": money(l.amount)}
                            for l in adjustments],
            "regular_total": money(sum((l.amount for l in regular), ZERO)),
            "adjustment_total": money(sum((l.amount for l in adjustments), ZERO)),
            "net": money(net),
            "to_recover": net < 0,
            "rib": mask_rib(account.rib) if account else "",
            "holder": account.holder if account else "",
        }


def payslip_title(slip: Payslip, language: str) -> str:
    with translation.override(language):
        return f"{kinds.label(PAYSLIP)} {slip.run.month:%m/%Y}"


def payslip_pdf(slip: Payslip, language: str, by) -> bytes:
    language = document_language(value=language)
    facts = payslip_facts(slip, language)
    title = payslip_title(slip, language)
    template = "documents/payroll_payslip.html"
    if slip.provisional:
        return render_pdf_bytes(template=template, facts=facts, kind=PAYSLIP, title=title, language=language,
                                extra_context={"provisional": True})
    earlier = already_issued(IssuedDocument.objects.filter(person=slip.person, kind=PAYSLIP, language=language,
                                                           title=title).exclude(file="").order_by("-issued_at"),
                             kind=PAYSLIP, language=language, title=title, facts=facts)
    document = earlier or issue_pdf(template=template, facts=facts, kind=PAYSLIP, title=title, language=language,
                                    person=slip.person, issued_by=by)
    with document.file.open("rb") as stored:
        return stored.read()


def payslip_filename(slip: Payslip, language: str) -> str:
    mark = "-provisoire" if slip.provisional else ""
    payer = slip.run.payer_key.replace(":", "")
    return f"bulletin-{payer}-{slip.run.month:%Y-%m}-{slip.person.pk}-{language}{mark}.pdf"


@dataclass(frozen=True)
class OwnPayslip:
    run: PayrollRun
    person_id: int
    net: object
    lines: int

    @property
    def net_display(self) -> str:
        return money(self.net)

    @property
    def payer(self) -> str:
        return self.run.payer_name(document_language())


def own_payslips(user) -> list[OwnPayslip]:
    """The user's payslips: one per closed run that has lines for them, the latest month first (two
    queries)."""
    if not user.is_authenticated:
        return []
    rows = list(PayLine.objects.filter(person__user=user, run__state=PayrollRun.State.CLOSED)
                .values("run_id", "person_id").annotate(net=Sum("amount"), count=Count("id")).order_by())
    runs = _runs().in_bulk([row["run_id"] for row in rows])
    slips = [OwnPayslip(runs[row["run_id"]], row["person_id"], row["net"], row["count"]) for row in rows]
    return sorted(slips, key=lambda slip: (slip.run.month, slip.run.payer_key), reverse=True)

