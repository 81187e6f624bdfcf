"""The bank transfer order of a run (ordre de virement collectif) and the list of what it holds back.

A transfer order names the debtor (donneur d'ordre), each beneficiary with the full 24-digit RIB of
the account to credit and its bank (domiciliation), the amount and the purpose; since the SIMT
(Moroccan interbank clearing) took over transfers in 2004–2005 a transfer without the complete RIB
is rejected. One row per beneficiary whose net in the run (regular and adjustment lines added up) is
above zero. Columns, in this order:

    reference      PAIE-<payer>-<YYYYMM>-<person id> (payer MSPS, CHU<id> or GST<id>): stable for a
                   run and a person, unique, no spaces, so a bank's rejection names its row again
    donneur_ordre  the payer's name (the Ministry, the hospital centre, the GST); its own account is
                   chosen in the payer's bank when the file is loaded: residanat holds no payer account
    payeur         MSPS, CHU<id> or GST<id>
    mois           the month paid, YYYY-MM
    beneficiaire   the holder of the account as entered from the RIB certificate, else the person's name
    rib            24 digits, the key checked again here (rules/rib.check), whatever the form did
    code_banque    the first 3 digits of the RIB: the beneficiary's bank (domiciliation)
    montant        MAD, two decimals, a dot: 1500.00
    devise         MAD
    motif          what the beneficiary's statement shows: "INDEMNITE <YYYY-MM> <reference>"

The file is for the bank's import, not for a spreadsheet: UTF-8 without a byte-order mark (many
importers take a BOM for part of the first column's name), ";" between fields as in the banks'
French-language templates (a field holding one is quoted), CRLF line ends (RFC 4180), one header
line, no total line (the run summary and the withheld page give the count and the total).

Persons payable but without a valid RIB are not in the file: they are listed, with the amount and
why, in `TransferOrder.withheld`, beside those whose net is negative (to recover) or nil. Everything
is read in one query whatever the number of trainees: the lines are added up per person in the
database.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from residanat.rules import rib as ribs

from .models import PayLine, PayrollRun
from .runs import PayrollRefused

ZERO = Decimal("0.00")
COLUMNS = ("reference", "donneur_ordre", "payeur", "mois", "beneficiaire", "rib", "code_banque", "montant",
           "devise", "motif")
CURRENCY = "MAD"
# Only an approved run (four eyes) is paid; a closed one may be paid again from the same file.
PAYABLE_STATES = (PayrollRun.State.APPROVED, PayrollRun.State.CLOSED)


class Why:
    NO_RIB = "no_rib"
    BAD_RIB = "bad_rib"
    TO_RECOVER = "to_recover"
    NOTHING = "nothing"


WHY_LABELS = {
    Why.NO_RIB: gettext_lazy("aucun RIB enregistré"),
    Why.BAD_RIB: gettext_lazy("RIB enregistré refusé"),
    Why.TO_RECOVER: gettext_lazy("net négatif : trop-perçu à recouvrer"),
    Why.NOTHING: gettext_lazy("net nul : rien à virer"),
}
RIB_ERRORS = {
    "digits": gettext_lazy("le RIB contient autre chose que des chiffres"),
    "length": gettext_lazy("le RIB n'a pas 24 chiffres"),
    "key": gettext_lazy("la clé du RIB ne correspond pas au numéro de compte"),
}


class TransferRefused(PayrollRefused):
    """The run may not be paid (yet); the message says why."""


@dataclass(frozen=True)
class Beneficiary:
    person_id: int
    name: str
    name_ar: str
    holder: str
    rib: str
    amount: Decimal


@dataclass(frozen=True)
class Withheld:
    person_id: int
    name: str
    name_ar: str
    amount: Decimal
    why: str
    detail: str = ""

    @property
    def why_label(self):
        return WHY_LABELS[self.why]


@dataclass
class TransferOrder:
    run: PayrollRun
    rows: list[Beneficiary] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), ZERO)

    def withheld_for(self, *whys: str) -> list[Withheld]:
        return [w for w in self.withheld if w.why in whys]

    @property
    def unpaid(self) -> list[Withheld]:
        """Owed something but not in the file for want of a valid RIB."""
        return self.withheld_for(Why.NO_RIB, Why.BAD_RIB)

    @property
    def to_recover(self) -> list[Withheld]:
        return self.withheld_for(Why.TO_RECOVER)

    @property
    def nothing(self) -> list[Withheld]:
        return self.withheld_for(Why.NOTHING)

    @staticmethod
    def sum(rows) -> Decimal:
        return sum((row.amount for row in rows), ZERO)


def payer_code(run: PayrollRun) -> str:
    # "CHU:12" → "CHU12": bank references take letters, digits and dashes only.
    return run.payer_key.replace(":", "")


def reference(run: PayrollRun, person_id: int) -> str:
    return f"PAIE-{payer_code(run)}-{run.month:%Y%m}-{person_id}"


def _name(last: str, first: str) -> str:
    return f"{(last or '').upper()} {first or ''}".strip()


# What the lines are grouped by: the person, with their names and bank account (one row each).
PERSON_FIELDS = ("person_id", "person__last_name", "person__first_name", "person__last_name_ar",
                 "person__first_name_ar", "person__bank_account__holder", "person__bank_account__rib")


def transfer_order(run: PayrollRun) -> TransferOrder:
    """Who is paid, who is held back and why: one query (the net per person, their names and their
    bank account, summed and joined by the database)."""
    order = TransferOrder(run)
    nets = (PayLine.objects.filter(run=run).values(*PERSON_FIELDS).annotate(net=Sum("amount"))
            # An explicit order replaces the model's, which would split the groups per line.
            .order_by("person__last_name", "person__first_name", "person_id")
            .values_list(*PERSON_FIELDS, "net"))
    rows, withheld = order.rows, order.withheld
    for person_id, last, first, last_ar, first_ar, holder, raw, net in nets:
        name = _name(last, first)
        name_ar = f"{last_ar} {first_ar}".strip()
        net = net or ZERO
        if net <= 0:
            withheld.append(Withheld(person_id, name, name_ar, net, Why.TO_RECOVER if net < 0 else Why.NOTHING))
            continue
        if not raw:
            withheld.append(Withheld(person_id, name, name_ar, net, Why.NO_RIB))
            continue
        try:
            checked = ribs.check(raw)
        except ribs.RibError as error:
            why = str(RIB_ERRORS.get(error.code, error))
            withheld.append(Withheld(person_id, name, name_ar, net, Why.BAD_RIB, why))
            continue
        rows.append(Beneficiary(person_id, name, name_ar, (holder or "").strip() or name, checked, net))
    return order


def refusal(run: PayrollRun) -> str | None:
    """Why the run's transfer file cannot be produced, or None."""
    if run.state in PAYABLE_STATES:
        return None
    return _("Le fichier de virements n'est produit que pour une paie approuvée ou clôturée : cette paie est "
             "« %(state)s ». Faites-la calculer puis approuver par une seconde personne.") % {
        "state": run.get_state_display()}


def transfer_csv(run: PayrollRun, order: TransferOrder | None = None) -> bytes:
    """The file the payer's bank loads (see the module's docstring for the columns and encoding)."""
    why = refusal(run)
    if why:
        raise TransferRefused(why)
    order = order or transfer_order(run)
    with translation.override("fr"):
        # The bank's file is in French whatever the page's language.
        debtor = run.payer_name("fr")
    month = f"{run.month:%Y-%m}"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in order.rows:
        ref = reference(run, row.person_id)
        writer.writerow((ref, debtor, payer_code(run), month, row.holder, row.rib, row.rib[:3], f"{row.amount:.2f}",
                         CURRENCY, f"INDEMNITE {month} {ref}"))
    return out.getvalue().encode("utf-8")


def filename(run: PayrollRun) -> str:
    return f"virements-{payer_code(run)}-{run.month:%Y-%m}.csv"
