"""The forms of the pay file (pay terms, bank account, stipend stops) and of the amounts page: they
parse; the services of services.py and rates.py decide and write. A page shows a service's refusal
on its form (common/actions.perform); the API tells it in one sentence (`error_text`)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy

from residanat.common.forms import date_field

from .models import BankAccount, PayTerms, RateOrder, StipendStop, TerritorialGroup
from .rates import key_label, rate_keys
from .services import TERM_FIELDS, applicable_terms, rib_problem


class PayTermsForm(forms.Form):
    valid_from = date_field(PayTerms._meta.get_field("valid_from").verbose_name,
                            help_text=gettext_lazy("Les mois d'avant gardent les éléments d'avant ; un mois déjà "
                                                   "clôturé est régularisé par la prochaine paie."))
    housed = forms.BooleanField(label=PayTerms._meta.get_field("housed").verbose_name, required=False,
                                help_text=gettext_lazy("Non logé : indemnité de logement (D93 art. 18 ; RD68 ch. 11)."))
    civil_servant = forms.BooleanField(label=PayTerms._meta.get_field("civil_servant").verbose_name, required=False,
                                       help_text=gettext_lazy("Garde la rémunération de sa situation statutaire, "
                                                              "versée par son administration (D93 art. 27, "
                                                              "dernier alinéa)."))
    committed = forms.BooleanField(label=PayTerms._meta.get_field("committed").verbose_name, required=False,
                                   help_text=gettext_lazy("Engagement de servir 8 ans : fonctionnaire stagiaire payé "
                                                          "d'un traitement (D93 art. 27)."))
    administration = forms.CharField(label=PayTerms._meta.get_field("administration").verbose_name, max_length=200,
                                     required=False,
                                     help_text=gettext_lazy("Médecine sociale, légale, du travail ou du sport : "
                                                            "l'administration envers laquelle il s'est engagé le "
                                                            "nomme stagiaire et le paie (D93 art. 27 bis)."))

    def __init__(self, *args, status, **kwargs):
        super().__init__(*args, **kwargs)
        for name in TERM_FIELDS:
            if name not in applicable_terms(status):
                del self.fields[name]


class BankAccountForm(forms.Form):
    holder = forms.CharField(label=BankAccount._meta.get_field("holder").verbose_name, max_length=200)
    rib = forms.CharField(label=BankAccount._meta.get_field("rib").verbose_name, max_length=40,
                          help_text=gettext_lazy("Banque (3), localité (3), compte (16), clé (2) ; espaces permis."))

    def clean_rib(self):
        # Checked here too so that a missing holder and a wrong RIB are both shown at once; the
        # service checks again before saving.
        problem = rib_problem(self.cleaned_data["rib"])
        if problem:
            raise ValidationError(problem)
        return self.cleaned_data["rib"]


class StipendStopForm(forms.Form):
    start = date_field(StipendStop._meta.get_field("start_date").verbose_name)
    end = date_field(StipendStop._meta.get_field("end_date").verbose_name)
    decision_ref = forms.CharField(label=StipendStop._meta.get_field("decision_ref").verbose_name, max_length=200)


def error_text(error: ValidationError) -> str:
    """A refusal as one sentence for the API, each message after its field's name."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for field, messages in error.message_dict.items():
        prefix = "" if field in (None, NON_FIELD_ERRORS) else f"{field}: "
        parts.extend(prefix + message for message in messages)
    return " ".join(parts)


# --- the amounts page and the territorial health groups (services in rates.py) -------------------

class RateOrderForm(forms.Form):
    key = forms.ChoiceField(label=RateOrder._meta.get_field("key").verbose_name)
    value = forms.DecimalField(label=RateOrder._meta.get_field("value").verbose_name, max_digits=10, decimal_places=2,
                               min_value=0)
    valid_from = date_field(RateOrder._meta.get_field("valid_from").verbose_name,
                            help_text=gettext_lazy("Peut être antérieure à aujourd'hui : la prochaine paie de chaque "
                                                   "payeur paiera les rappels des mois déjà clôturés."))
    valid_to = date_field(RateOrder._meta.get_field("valid_to").verbose_name, required=False,
                          help_text=gettext_lazy("Vide : jusqu'à un nouvel arrêté."))
    order_ref = forms.CharField(label=RateOrder._meta.get_field("order_ref").verbose_name, max_length=200)

    def __init__(self, *args, language="fr", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].choices = [(key, f"{key_label(key, language)} ({key})") for key in rate_keys()]


class HealthGroupForm(forms.Form):
    name_fr = forms.CharField(label=TerritorialGroup._meta.get_field("name_fr").verbose_name, max_length=200)
    name_ar = forms.CharField(label=TerritorialGroup._meta.get_field("name_ar").verbose_name, max_length=200)
    powers_from = date_field(TerritorialGroup._meta.get_field("powers_from").verbose_name, required=False,
                             help_text=gettext_lazy("Vide tant qu'il n'exerce pas : le ministère paie (RD68 ch. 14)."))
    decree_ref = forms.CharField(label=TerritorialGroup._meta.get_field("decree_ref").verbose_name, max_length=200,
                                 required=False)
