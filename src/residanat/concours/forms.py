"""Forms of the candidates pages: self-registration, the faculty's import, the withdrawal."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from residanat.accounts.models import User
from residanat.common.uploads import check_upload
from residanat.people.identity import country_problem, normalise_identifier
from residanat.people.models import Person
from residanat.referential.models import Faculty, Specialty

from . import registration
from .models import Candidate, CandidateDocument, Competition

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
# Facts without which a candidacy of that kind cannot be judged; booleans are answered by the box.
REQUIRED_FACTS = {"enrolment_faculty", "study_year", "validated_years", "diploma", "diploma_date",
                  "diploma_country", "practice_since", "internat_months_validated"}
FACT_BOUNDS = {"study_year": (1, 7), "validated_years": (0, 7), "internat_months_validated": (0, 120)}
IDENTITY_FORM_FIELDS = ("national_id", "passport_number", "last_name", "first_name", "last_name_ar",
                        "first_name_ar", "birth_date", "phone")
ARABIC = {"dir": "rtl", "lang": "ar"}
LATIN = {"dir": "ltr"}


def _date_field(model_field, required):
    return forms.DateField(
        label=capfirst(model_field.verbose_name), required=required, help_text=model_field.help_text,
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class FacultyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RegistrationForm(forms.Form):
    """One form for the whole registration, built for the competition's kind, the chosen route and
    who registers: an anonymous visitor also creates an account; a user with a person file only
    declares the candidacy (their identity is shown, not edited)."""

    def __init__(self, competition: Competition, route: str, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.competition, self.route, self.user = competition, route, user
        self.person = Person.objects.filter(user=user).first() if user.is_authenticated else None
        self.needs_account = not user.is_authenticated
        self.needs_identity = self.person is None
        self._account_fields()
        self._identity_fields()
        self._candidacy_fields()
        self._document_fields()

    # --- building ---

    def _account_fields(self):
        if self.needs_account or self.needs_identity:
            self.fields["email"] = forms.EmailField(
                label=_("Courriel"), max_length=150,
                help_text=_("Il sert d'identifiant de connexion.") if self.needs_account else "",
                initial=getattr(self.user, "email", ""), widget=forms.EmailInput(attrs=LATIN))
        if self.needs_account:
            self.fields["password1"] = forms.CharField(
                label=_("Mot de passe"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
            self.password_help = password_validation.password_validators_help_text_html()
            self.fields["password2"] = forms.CharField(
                label=_("Mot de passe (confirmation)"), strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def _identity_fields(self):
        if not self.needs_identity:
            return
        self.fields["moroccan"] = forms.TypedChoiceField(
            label=_("Nationalité"), choices=[("1", _("marocaine")), ("0", _("étrangère"))],
            coerce=lambda v: v == "1", initial="1", widget=forms.RadioSelect)
        self.fields["nationality"] = forms.CharField(
            label=_("Pays de nationalité (candidat étranger)"), max_length=2, required=False,
            help_text=_("Code ISO à deux lettres : SN, TN, FR…"), widget=forms.TextInput(attrs={**LATIN, "size": 3}))
        for name in IDENTITY_FORM_FIELDS:
            model_field = Person._meta.get_field(name)
            if name == "birth_date":
                field = _date_field(model_field, required=True)
            else:
                field = forms.CharField(label=capfirst(model_field.verbose_name), max_length=model_field.max_length,
                                        required=name in ("last_name", "first_name"),
                                        help_text=model_field.help_text)
                field.widget.attrs.update(ARABIC if name.endswith("_ar") else LATIN)
            self.fields[name] = field
        self.fields["national_id"].help_text = _("Candidats marocains : une ou deux lettres puis des chiffres.")
        self.fields["passport_number"].help_text = _("Candidats étrangers.")

    def _candidacy_fields(self):
        tracks = Specialty.TrackChoice.choices
        if self.competition.kind == Competition.Kind.PUBLIC_HEALTH_INTERNAT:
            # RD68 ch. 1: the public-health internat is for medicine students.
            tracks = [(v, label) for v, label in tracks if v == Specialty.TrackChoice.MEDICINE]
        self.fields["track"] = forms.ChoiceField(label=capfirst(Candidate._meta.get_field("track").verbose_name),
                                                 choices=tracks, initial=tracks[0][0])
        for name in registration.fact_fields(self.competition.kind, self.route):
            model_field = Candidate._meta.get_field(name)
            # The date of practice depends on the diploma of the same form (D93 art. 21 2°): checked in clean().
            required = name in REQUIRED_FACTS and name != "practice_since"
            if name == "enrolment_faculty":
                field = FacultyChoiceField(queryset=Faculty.objects.order_by("kind", "city_fr"),
                                           label=capfirst(model_field.verbose_name), required=required)
            elif isinstance(model_field, models.DateField):
                field = _date_field(model_field, required)
            elif name in FACT_BOUNDS:
                low, high = FACT_BOUNDS[name]
                field = forms.IntegerField(label=capfirst(model_field.verbose_name), required=required, min_value=low,
                                           max_value=high, help_text=model_field.help_text,
                                           widget=forms.NumberInput(attrs={"size": 4}))
            else:
                field = model_field.formfield()
                field.label = capfirst(field.label)
                field.required = required
            if name == "diploma_country":
                field.help_text = _("Code ISO à deux lettres ; MA pour un diplôme marocain.")
                field.widget.attrs.update({**LATIN, "size": 3})
            if name == "practice_since":
                # Marked as asked (the asterisk) though checked in clean(): all but the veterinary doctors.
                field.document_required = True
                field.help_text = _("Sauf pour un docteur vétérinaire (D93 art. 21 2°).")
            if name == "thesis_defended_on":
                field.help_text = _("À laisser vide si la thèse n'est pas soutenue.")
            if name == "civil_service_in_order":
                field.help_text = _("Exigé des candidats marocains (D93 art. 21).")
            if name == "public_administration":
                field.help_text = _("Candidat déjà engagé auprès d'une administration publique (D93 art. 27 bis).")
            self.fields[name] = field

    def _document_fields(self):
        accept = ",".join([*settings.RESIDANAT_UPLOAD_TYPES.values(), *settings.RESIDANAT_UPLOAD_TYPES])
        required = set(registration.required_documents(self.competition.kind, self.route, moroccan=True,
                                                       foreign_diploma=False))
        for kind in registration.offered_documents(self.competition.kind, self.route):
            label = capfirst(CandidateDocument.Kind(kind).label)
            help_text = ""
            if kind == CandidateDocument.Kind.EQUIVALENCE:
                help_text = _("Obligatoire pour un diplôme obtenu à l'étranger.")
            elif kind == CandidateDocument.Kind.CIVIL_SERVICE:
                help_text = _("Obligatoire pour un candidat marocain.")
            elif kind == CandidateDocument.Kind.PRACTICE:
                help_text = _("Sauf pour un docteur vétérinaire (D93 art. 21 2°).")
            elif kind == CandidateDocument.Kind.OTHER:
                help_text = _("Facultatif.")
            field = forms.FileField(label=label, required=False, help_text=help_text,
                                    widget=forms.ClearableFileInput(attrs={"accept": accept}))
            field.document_required = kind in required
            self.fields[f"doc_{kind}"] = field

    # --- groups, for the template ---

    def _group(self, names):
        return [self[name] for name in names if name in self.fields]

    @property
    def account_fields(self):
        return self._group(["email", "password1", "password2"] if self.needs_account else [])

    @property
    def identity_fields(self):
        names = ["moroccan", "national_id", "nationality", "passport_number", "last_name", "first_name",
                 "last_name_ar", "first_name_ar", "birth_date"]
        if not self.needs_account:
            names.append("email")
        return self._group(names + ["phone"])

    @property
    def candidacy_fields(self):
        return self._group(["track", *registration.fact_fields(self.competition.kind, self.route)])

    @property
    def document_fields(self):
        return [self[name] for name in self.fields if name.startswith("doc_")]

    # --- cleaning ---

    def clean_national_id(self):
        return normalise_identifier(self.cleaned_data.get("national_id")) or None

    def clean_passport_number(self):
        return normalise_identifier(self.cleaned_data.get("passport_number")) or None

    def clean_nationality(self):
        return (self.cleaned_data.get("nationality") or "").strip().upper()

    def clean_diploma_country(self):
        value = (self.cleaned_data.get("diploma_country") or "MA").strip().upper()
        problem = country_problem(value)
        if problem:
            raise ValidationError(problem)
        return value

    def clean_email(self):
        # Whether the address already has an account is the service's to say, and the public page
        # does not say it (IdentityAlreadyKnown, issue 20 item 4).
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if self.needs_identity:
            self._clean_identity(cleaned)
        if self.needs_account:
            self._clean_password(cleaned)
        self._clean_documents(cleaned)
        return cleaned

    def _clean_identity(self, cleaned):
        moroccan = cleaned.get("moroccan", True)
        nationality = "MA" if moroccan else cleaned.get("nationality", "")
        if not moroccan and nationality == "MA":
            self.add_error("nationality", _("Indiquez le pays de nationalité du candidat étranger."))
            return
        if not moroccan and not nationality:
            self.add_error("nationality", _("Ce champ est obligatoire."))
            return
        cleaned["nationality"] = nationality
        if moroccan:
            cleaned["passport_number"] = cleaned.get("passport_number") or None
        values = {name: cleaned.get(name) for name in ("national_id", "passport_number", "nationality",
                                                       "last_name", "first_name")}
        for name, message in registration.identity_problems(values).items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)

    def _clean_password(self, cleaned):
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("Les deux mots de passe ne sont pas identiques."))
            return
        if first:
            probe = User(username=cleaned.get("email") or "", email=cleaned.get("email") or "",
                         first_name=cleaned.get("first_name") or "", last_name=cleaned.get("last_name") or "")
            try:
                password_validation.validate_password(first, probe)
            except ValidationError as error:
                self.add_error("password1", error)

    def moroccan(self) -> bool:
        if self.person is not None:
            return self.person.is_moroccan
        return bool(self.cleaned_data.get("moroccan", True))

    def _clean_documents(self, cleaned):
        for name in [n for n in self.fields if n.startswith("doc_")]:
            upload = cleaned.get(name)
            if not upload:
                continue
            try:
                check_upload(upload)
            except ValidationError as error:
                self.add_error(name, error)
        foreign_diploma = (cleaned.get("diploma_country") or "MA") != "MA"
        practice = registration.practice_required(self.competition, cleaned.get("diploma") or "")
        if ("practice_since" in self.fields and practice and not cleaned.get("practice_since")
                and "practice_since" not in self.errors):
            self.add_error("practice_since", _("Ce champ est obligatoire."))
        required = registration.required_documents(self.competition.kind, self.route, moroccan=self.moroccan(),
                                                   foreign_diploma=foreign_diploma, practice=practice)
        for kind in required:
            name = f"doc_{kind}"
            if name in self.fields and not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Cette pièce est obligatoire."))

    # --- what the service receives ---

    def registration_data(self) -> registration.RegistrationData:
        cleaned = self.cleaned_data
        identity = {}
        if self.needs_identity:
            identity = {name: cleaned.get(name) for name in IDENTITY_FORM_FIELDS}
            identity["nationality"] = cleaned.get("nationality") or "MA"
        if "email" in cleaned:
            identity["email"] = cleaned["email"]
        facts = {name: cleaned.get(name) for name in registration.fact_fields(self.competition.kind, self.route)}
        for name, value in list(facts.items()):
            if value is None and not Candidate._meta.get_field(name).null:
                facts[name] = Candidate._meta.get_field(name).get_default()
        documents = {name[len("doc_"):]: cleaned.get(name) for name in self.fields if name.startswith("doc_")}
        return registration.RegistrationData(
            identity=identity, route=self.route, track=cleaned["track"], facts=facts,
            documents={kind: upload for kind, upload in documents.items() if upload})


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier"), widget=forms.ClearableFileInput(attrs={
        "accept": ".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Motif du désistement"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2, "cols": 50}))
