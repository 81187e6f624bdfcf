"""Roles and the kind of scope each one is given."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY_ADMIN = "ministry_admin", _("Administrateur du ministère (DRH)")
    HIGHER_EDUCATION_OFFICER = "higher_education_officer", _("Chargé de l'enseignement supérieur")
    DEAN_OFFICE = "dean_office", _("Décanat")
    HOSPITAL_DIRECTOR_OFFICE = "hospital_director_office", _("Direction du centre hospitalier")
    HEAD_OF_SERVICE = "head_of_service", _("Chef de service")
    COMMITTEE_MEMBER = "committee_member", _("Membre de commission")
    PAYROLL_OFFICER = "payroll_officer", _("Gestionnaire de la paie")
    TRAINEE = "trainee", _("Stagiaire ou candidat")


class Scope(models.TextChoices):
    NATIONAL = "national", _("national")
    FACULTY = "faculty", _("faculté")
    HOSPITAL = "hospital", _("centre hospitalier")
    SERVICE = "service", _("service")
    SELF = "self", _("soi-même")


# The field of RoleAssignment that carries each role's scope; None = national (or self).
SCOPE_FIELD = {
    Role.MINISTRY_ADMIN: None,
    Role.HIGHER_EDUCATION_OFFICER: None,
    Role.DEAN_OFFICE: "faculty",
    Role.HOSPITAL_DIRECTOR_OFFICE: "hospital_centre",
    Role.HEAD_OF_SERVICE: "service",
    # D93 art. 32: the disciplinary committee sits per hospital centre.
    Role.COMMITTEE_MEMBER: "hospital_centre",
    # A payroll officer works for one payer: the Ministry (national) or one hospital centre.
    Role.PAYROLL_OFFICER: "hospital_centre",
    Role.TRAINEE: None,
}
REQUIRED_SCOPE_FIELD = {
    Role.DEAN_OFFICE: "faculty",
    Role.HOSPITAL_DIRECTOR_OFFICE: "hospital_centre",
    Role.HEAD_OF_SERVICE: "service",
    Role.COMMITTEE_MEMBER: "hospital_centre",
}
STAFF_ROLES = frozenset(Role) - {Role.TRAINEE}

# Which roles may change the people and statuses they can see (the others only read).
EDITOR_ROLES = frozenset({Role.MINISTRY_ADMIN, Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE})
# Which roles may change the referential (institutions, specialties, the under-staffed list).
REFERENTIAL_EDITOR_ROLES = frozenset({Role.MINISTRY_ADMIN})
