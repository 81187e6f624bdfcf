"""Who the careers pages show to whom: the person behind a timeline, the services a user follows.

A person is in scope when `Person.objects.visible_to` has them: the one people scope rule, the
same as `/personnes/<id>/` and `/api/v1/people/<id>` (people/queries.py). Having rotated in a
service does not widen it: the head of service reads the periods spent in their service on the
service's rotations (`Rotation.objects.visible_to`, D93 art. 17), not the rest of the career,
sick leaves included (Law 09-08 art. 3; decision 0020).
"""

from __future__ import annotations

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404

from residanat.accounts.roles import Scope
from residanat.accounts.scopes import ScopedQuerySet
from residanat.people.models import Person
from residanat.referential.models import HospitalService



def people_in_scope(user):
    return Person.objects.visible_to(user)


def with_person_readable(rows, user):
    """Annotate `person_readable` on rows that have a `status__person` (rotations, extern
    assignments): may `user` open that person's timeline? The service pages link a trainee's name
    only then, so they never link to a 404."""
    return rows.annotate(person_readable=ExpressionWrapper(
        Q(status__person__in=people_in_scope(user).values("pk")), output_field=BooleanField()))


def visible_person(user, pk) -> Person:
    person = people_in_scope(user).filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def own_person(user) -> Person:
    """The signed-in trainee's own person (404 for an account that is nobody's)."""
    person = Person.objects.visible_to(user).filter(user=user).first() if user.is_authenticated else None
    if person is None:
        raise Http404
    return person


def can_change_person(user, person: Person) -> bool:
    return Person.objects.visible_to(user, "change").filter(pk=person.pk).exists()


def can_issue_for(user, person: Person) -> bool:
    """Career documents are issued by those who manage the file, or by the trainee for themself."""
    return person.user_id == user.pk or can_change_person(user, person)


class ServiceQuerySet(ScopedQuerySet):
    """Hospital services within a user's scope: their own service for a head of service, the
    services of their hospital centre for a director, of the centres of their faculty for a dean."""

    def _condition(self, assignment) -> Q:
        if assignment.scope == Scope.SERVICE:
            return Q(pk=assignment.service_id)
        if assignment.scope == Scope.HOSPITAL:
            return Q(establishment__hospital_centre=assignment.hospital_centre_id)
        if assignment.scope == Scope.FACULTY:
            return Q(establishment__hospital_centre__faculties=assignment.faculty_id)
        return Q(pk__in=[])


def visible_services(user):
    return ServiceQuerySet(model=HospitalService).visible_to(user)


def visible_service(user, pk) -> HospitalService:
    service = visible_services(user).select_related("establishment").filter(pk=pk).first()
    if service is None:
        raise Http404
    return service
