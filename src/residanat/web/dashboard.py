"""What each role sees first: one section per role assignment, counted inside its scope."""

from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone

from residanat.accounts.roles import Role, Scope
from residanat.payroll.inputs import parameter_table
from residanat.payroll.rates import amount_in_force, order_ref
from residanat.people.models import Person, TraineeStatus
from residanat.referential.models import Establishment, HospitalService

# The stipend parameters a payroll officer checks each month (D93 art. 6, 18, 27; RD68 ch. 11, 14).
PAYROLL_KEYS = (
    "intern.stipend", "intern.housing_allowance", "resident.stipend",
    "ph_intern.stipend", "ph_intern.housing_allowance", "seventh_year.lump_sum",
)


@dataclass
class Section:
    assignment: object
    status_counts: list = field(default_factory=list)
    people_count: int = 0
    establishments: int | None = None
    services: list | None = None
    current_people: list | None = None
    by_faculty: list | None = None
    rates: list | None = None


def current_statuses(on):
    return TraineeStatus.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=on), start_date__lte=on)


def build_sections(user):
    today = timezone.localdate()
    sections = []
    for assignment in user.active_roles():
        if assignment.role == Role.TRAINEE:
            continue
        statuses = current_statuses(today) & TraineeStatus.objects.within(assignment)
        labels = dict(TraineeStatus.Kind.choices)
        counts = statuses.values("kind").annotate(n=Count("person", distinct=True)).order_by("kind")
        section = Section(
            assignment=assignment,
            status_counts=[(labels[row["kind"]], row["n"]) for row in counts],
            people_count=Person.objects.within(assignment).count(),
        )
        if assignment.scope == Scope.NATIONAL and assignment.role in (
            Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER
        ):
            section.by_faculty = list(
                statuses.exclude(faculty=None)
                .values("faculty__name_fr", "faculty__name_ar")
                .annotate(n=Count("person", distinct=True))
                .order_by("-n")
            )
            section.establishments = Establishment.objects.understaffed_on(today).count()
        if assignment.scope == Scope.HOSPITAL:
            section.services = list(
                HospitalService.objects.filter(establishment__hospital_centre=assignment.hospital_centre)
                .annotate(n=Count("statuses", filter=Q(statuses__in=statuses)))
                .select_related("establishment")
                .order_by("-n", "name_fr")[:12]
            )
        if assignment.scope == Scope.SERVICE:
            section.current_people = list(
                statuses.select_related("person", "specialty").order_by("person__last_name")
            )
        if assignment.role == Role.PAYROLL_OFFICER:
            # What the payroll pays today: the rate orders laid over the decree's amounts.
            table = parameter_table()
            amounts = (amount_in_force(key, today, table) for key in PAYROLL_KEYS)
            section.rates = [(amount, order_ref(amount)) for amount in amounts if amount is not None]
        sections.append(section)
    return sections


def trainee_context(user):
    person = getattr(user, "person", None)
    if person is None:
        return None
    return {
        "person": person,
        "statuses": person.statuses.select_related("faculty", "hospital_centre", "specialty", "service"),
    }
