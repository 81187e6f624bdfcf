"""Words for the codes the engines and the settings use, in the reader's language (issue 25
item 4: no code shown to a person without its label). The codes stay the data; these are what a
page prints, the code itself at most small and secondary."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# rules/merit.py TIE_BREAK_KEYS (settings.RESIDANAT_TIE_BREAK), plus "test:<code>".
TIE_BREAK = {
    "heaviest_test": _("la meilleure note à l'épreuve de plus fort coefficient"),
    "older": _("le candidat le plus âgé"),
    "younger": _("le candidat le plus jeune"),
}

# matching/engine.py and matching/couples.py methods; couples.py solver statuses.
MATCHING_METHODS = {
    "serial-dictatorship": _("dans l'ordre d'appel, chacun obtient son premier vœu où il reste une place"),
    "cp-sat-couples": _("optimisation avec les couples (solveur CP-SAT)"),
}
SOLVER_STATUSES = {
    "optimal": _("solution optimale"),
    "feasible": _("solution admissible (temps de calcul atteint)"),
    "serial-dictatorship": _("sans optimisation"),
}


def tie_break_label(key: str, test_names: dict[str, str] | None = None) -> str:
    if key.startswith("test:"):
        code = key[5:]
        return gettext("la meilleure note à l'épreuve « %(test)s »") % {
            "test": (test_names or {}).get(code, code)}
    return str(TIE_BREAK.get(key, key))


def tie_break_labels(keys, test_names: dict[str, str] | None = None) -> list[str]:
    """The tie-break criteria in order, in words: ["la meilleure note …", "le candidat le plus âgé"]."""
    return [tie_break_label(key, test_names) for key in keys or ()]


def matching_method_label(method: str) -> str:
    return str(MATCHING_METHODS.get(method, method))


def solver_status_label(status: str) -> str:
    return str(SOLVER_STATUSES.get(status, status))
