"""Disciplinary case pages: the cases in the user's scope with their deadlines (per hospital
centre), opening a case, the case with its steps and the forms of the next ones, the person's own
view (the file read from their space, access logged; the explanations answered), and the letters
(convocation, decision) in French and Arabic.

Every case is read through DisciplinaryCase.objects.visible_to (404 outside the scope); who may
take each step is the services' (cases.py), which refuse with the article."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from residanat.documents import kinds
from residanat.documents.http import document_language, issued_pdf_response
from residanat.common.actions import perform
from residanat.common.forms import date_field
from residanat.people.models import Person, TraineeStatus
from residanat.referential.models import Faculty, HospitalService
from residanat.rules import discipline as rules

from . import cases, letters
from .models import OPEN_CASE_STATES, SANCTIONS, CaseDocument, CommitteeNomination, DisciplinaryCase


def _cases(user):
    return DisciplinaryCase.objects.visible_to(user).select_related(
        "status", "status__person", "status__hospital_centre", "status__faculty")


def _case(request, pk) -> DisciplinaryCase:
    return get_object_or_404(_cases(request.user), pk=pk)


@login_required
def index(request):
    """Open cases first, with their hearing and the opinion's deadline (late ones flagged), and
    the count of open cases per hospital centre."""
    today = timezone.localdate()
    found = list(_cases(request.user).order_by("state", "-opened_at"))
    rows = [{"case": case, "late": rules.is_late(case.opinion_due_on, today, case.opinion_on),
             "open": case.is_open} for case in found]
    per_centre = Counter(str(case.status.hospital_centre or "—") for case in found if case.is_open)
    return render(request, "discipline/index.html", {
        "rows": rows, "per_centre": sorted(per_centre.items()), "late": sum(1 for r in rows if r["late"] and r["open"]),
    })


class OpenForm(forms.Form):
    facts = forms.CharField(label=gettext_lazy("Faits reprochés"), widget=forms.Textarea(attrs={"rows": 4}))
    # Asked only when the person already has a case under way (issue 25 item 5).
    second = forms.BooleanField(label=gettext_lazy("Ouvrir tout de même un second dossier"), required=False)

    def __init__(self, *args, already_open, **kwargs):
        super().__init__(*args, **kwargs)
        self.already_open = already_open
        if not already_open:
            del self.fields["second"]

    def clean(self):
        data = super().clean()
        if self.already_open and not data.get("second"):
            self.add_error("second", _("Un dossier est déjà en cours pour cette personne : consultez-le, ou cochez "
                                       "cette case pour en ouvrir un second."))
        return data


def open_cases_of(user, person) -> list[DisciplinaryCase]:
    """The person's cases under way that `user` may read (on any of their statuses)."""
    return list(_cases(user).filter(status__person=person, state__in=OPEN_CASE_STATES).order_by("-opened_at"))


@login_required
def open_case(request, status_pk):
    status = get_object_or_404(TraineeStatus.objects.visible_to(request.user).select_related("person"), pk=status_pk)
    if status.kind not in rules.REGIME or not cases.may_open(request.user, status):
        raise PermissionDenied
    already_open = open_cases_of(request.user, status.person)
    form = OpenForm(request.POST or None, already_open=already_open)
    if request.method == "POST" and form.is_valid():
        case = cases.do_open_case(request.user, status, form.cleaned_data["facts"], timezone.localdate())
        messages.success(request, _("Dossier ouvert."))
        return redirect("discipline:case", case.pk)
    return render(request, "discipline/open.html", {"status": status, "form": form, "already_open": already_open,
                                                    "regime": rules.regime_of(status.kind)})


class StepForm(forms.Form):
    on = date_field(gettext_lazy("Date"))
    text = forms.CharField(label=gettext_lazy("Texte"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    inquiry = forms.BooleanField(label=gettext_lazy("Enquête ordonnée (l'avis est dû dans les deux mois)"),
                                 required=False)
    rapporteur = forms.CharField(label=gettext_lazy("Rapporteur (un membre de la commission)"), required=False)
    chiefs = forms.CharField(label=gettext_lazy("Médecins-chefs nommés par le ministre (séparés par des virgules)"),
                             required=False)
    time = forms.TimeField(label=gettext_lazy("Heure"), required=False,
                           widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    place = forms.CharField(label=gettext_lazy("Lieu"), required=False, max_length=200)
    own_head = forms.CharField(label=gettext_lazy("Chef de service de l'intéressé"), required=False)
    representatives = forms.CharField(label=gettext_lazy("Représentants choisis par l'intéressé"), required=False)
    defender = forms.CharField(label=gettext_lazy("Défenseur (un interne)"), required=False)
    sanction = forms.ChoiceField(label=gettext_lazy("Sanction"), choices=SANCTIONS, required=False)
    start = date_field(gettext_lazy("Du"), required=False)
    end = date_field(gettext_lazy("Au"), required=False)
    ref = forms.CharField(label=gettext_lazy("Référence de la décision"), required=False, max_length=200)


def _names(raw: str) -> list[str]:
    return [name.strip() for name in (raw or "").split(",") if name.strip()]


def _sanction(data) -> rules.Sanction:
    kind = data.get("sanction") or ""
    try:
        return rules.Sanction(kind, data.get("start"), data.get("end"))
    except rules.DisciplineError:
        raise cases.CaseRefused(_("Choisissez la sanction, et pour une exclusion temporaire son premier et son "
                                  "dernier jour.")) from None


STEPS = {
    "explanation": lambda user, case, d: cases.do_request_explanation(user, case, d["on"]),
    "answer": lambda user, case, d: cases.do_answer_explanation(user, case, d["text"], d["on"]),
    "head": lambda user, case, d: cases.do_record_head_opinion(user, case, d["text"], d["on"]),
    "file": lambda user, case, d: cases.do_open_file(user, case, d["on"]),
    "refer": lambda user, case, d: cases.do_refer_to_committee(
        user, case, d["on"], inquiry=d["inquiry"], rapporteur=d["rapporteur"] or None,
        council={"chiefs": _names(d["chiefs"]), "own_head": d["own_head"], "defender": d["defender"] or None,
                 "representatives": _names(d["representatives"])} if case.regime == rules.RD68 else None),
    "hearing": lambda user, case, d: cases.do_set_hearing(user, case, d["on"], d["time"], d["place"]),
    "opinion": lambda user, case, d: cases.do_record_opinion(user, case, _sanction(d), d["on"]),
    "sign": lambda user, case, d: cases.do_sign_decision(user, case, _sanction(d), d["on"], d["ref"]),
}


@login_required
def case_detail(request, pk):
    case = _case(request, pk)
    if case.status.person.user_id == request.user.pk and case.file_opened_on:
        cases.do_record_file_read(request.user, case)  # D93 art. 32, RD68 ch. 10: the reading is logged
    return _case_page(request, case)


def _step_forms(case, bound=None, open_step: str = "") -> dict:
    """One form per step, dated today (the hearing's with the hour and place already fixed); after
    a refused step, its form is `bound`, with what was typed and the errors."""
    initial = {"on": timezone.localdate(), "time": case.hearing_time, "place": case.hearing_place}
    step_forms = {name: StepForm(initial=initial, auto_id=f"{name}_%s") for name in STEPS}
    if bound is not None:
        step_forms[open_step] = bound
    return step_forms


def _case_page(request, case, form=None, *, open_step: str = "", status: int = 200):
    """The case with the step forms; after a refused step, `form` holds what was typed and
    `open_step` is the form shown open again, its errors at its top."""
    own = case.status.person.user_id == request.user.pk
    office = cases.may_open(request.user, case.status)
    drawn = case.committee.get("representatives", []) if case.committee.get("kind") == "committee" else []
    names = {str(p.pk): p.full_name for p in Person.objects.filter(pk__in=[int(i) for i in drawn if str(i).isdigit()])}
    return render(request, "discipline/case.html", {
        "representatives": [names.get(str(i), i) for i in drawn],
        "case": case, "own": own, "office": office, "events": case.events.order_by("seq"),
        "show_file": office or not own or bool(case.file_opened_on),
        "verification": cases.verify(case), "step_forms": _step_forms(case, form, open_step), "open_step": open_step, "today": timezone.localdate(),
        "late": rules.is_late(case.opinion_due_on, timezone.localdate(), case.opinion_on),
        "earliest_hearing": case.file_opened_on and rules.earliest_hearing(case.status.kind, case.file_opened_on)[0],
        "letters": letters.available(case), "documents": case.documents.all(),
    }, status=status)


@login_required
@require_POST
def case_step(request, pk, step):
    case = _case(request, pk)
    if step not in STEPS:
        raise Http404
    form = StepForm(request.POST, auto_id=f"{step}_%s")
    if not form.is_valid():
        return _case_page(request, case, form, open_step=step, status=400)
    if not perform(request, STEPS[step], request.user, case, form.cleaned_data, form=form,
                   success=_("Étape enregistrée.")):
        # Shown again with what was typed, so that one wrong field does not cost the others.
        return _case_page(request, _case(request, pk), form, open_step=step, status=400)
    return redirect(reverse("discipline:case", args=[case.pk]))


@login_required
@require_POST
def document_add(request, pk):
    case = _case(request, pk)
    perform(request, cases.do_add_document, request.user, case, request.FILES.get("file"),
            success=_("Pièce jointe au dossier."))
    return redirect("discipline:case", case.pk)


@login_required
def document(request, pk, doc_pk):
    """A piece of the file: to those who read the case, and to the person once the file is opened
    to them (each reading logged, like the file's)."""
    case = _case(request, pk)
    piece = get_object_or_404(CaseDocument.objects.filter(case=case), pk=doc_pk)
    if case.status.person.user_id == request.user.pk:
        if not case.file_opened_on:
            raise Http404
        cases.do_record_file_read(request.user, case)
    return FileResponse(piece.file.open("rb"), as_attachment=True, filename=piece.original_name,
                        content_type=piece.content_type)


@login_required
def letter(request, pk, kind):
    if kind not in letters.KINDS:
        raise Http404
    # The cases through which the letter's kind is read (kinds.readers, the register's rule too).
    cases = kinds.readers(letters.KINDS[kind]).rows(request.user)
    case = get_object_or_404(cases.select_related("status", "status__person", "status__hospital_centre",
                                                  "status__faculty"), pk=pk)
    language = document_language(request, default="fr")
    why = letters.refusal(case, kind)
    if why:
        return render(request, "discipline/letter_refused.html", {"case": case, "why": why}, status=409)
    try:
        document = letters.issue(case, kind, language, request.user)
    except letters.LetterRefused as refusal:
        return render(request, "discipline/letter_refused.html", {"case": case, "why": str(refusal)}, status=409)
    return issued_pdf_response(document, inline=True)




class NominationForm(forms.Form):
    faculty = forms.ModelChoiceField(label=gettext_lazy("Faculté"), queryset=Faculty.objects.none())
    year = forms.IntegerField(label=gettext_lazy("Année"), min_value=1993, max_value=2100)
    decision_ref = forms.CharField(label=gettext_lazy("Délibération du conseil de faculté"), max_length=200)

    def __init__(self, *args, faculties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["faculty"].queryset = faculties
        for group, label in (("member", gettext_lazy("Membre")), ("alternate", gettext_lazy("Suppléant"))):
            for n in range(1, 4):
                self.fields[f"{group}{n}"] = forms.CharField(label=f"{label} {n}", max_length=200)
                self.fields[f"{group}{n}_service"] = forms.ModelChoiceField(
                    label=gettext_lazy("service où il exerce"), required=False,
                    queryset=HospitalService.objects.order_by("establishment__name_fr", "name_fr"))

    def people(self, group: str) -> list[dict]:
        data = self.cleaned_data
        return [{"name": data[f"{group}{n}"].strip(),
                 "service": data[f"{group}{n}_service"].pk if data[f"{group}{n}_service"] else None} for n in (1, 2, 3)]


@login_required
def nominations(request):
    """D93 art. 32: the 3 professors and 3 alternates the faculty council names each year."""
    if not cases.may_nominate(request.user):
        raise PermissionDenied
    faculties = cases.nominating_faculties(request.user)
    form = NominationForm(request.POST or None, faculties=faculties, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        names = [p["name"] for p in form.people("member") + form.people("alternate")]
        if len(set(names)) != len(names):
            messages.error(request, _("Un professeur ne figure qu'une fois parmi les membres et les suppléants."))
        else:
            CommitteeNomination.objects.update_or_create(
                faculty=form.cleaned_data["faculty"], year=form.cleaned_data["year"],
                defaults={"members": form.people("member"), "alternates": form.people("alternate"),
                          "decision_ref": form.cleaned_data["decision_ref"]})
            messages.success(request, _("Désignation enregistrée."))
            return redirect("discipline:nominations")
    return render(request, "discipline/nominations.html", {
        "form": form, "nominations": CommitteeNomination.objects.filter(faculty__in=faculties).select_related("faculty"),
    })
