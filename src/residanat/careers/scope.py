"""Who the careers pages show to whom: the person behind a timeline, the services a user follows.

A person is in scope when `Person.objects.visible_to` has them, or when they rotate (or rotated)
in a service the user sees rotations of: a head of service sees whoever passes through their
service (D93 art. 16, 17), not only those whose current service it is.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from residanat.accounts.roles import Scope
from residanat.accounts.scopes import ScopedQuerySet
from residanat.people.models import Person
from residanat.referential.models import HospitalService

from .models import Rotation


def people_in_scope(user):
    through_rotations = Rotation.objects.visible_to(user).values("status__person")
    return Person.objects.filter(
        Q(pk__in=Person.objects.visible_to(user).values("pk")) | Q(pk__in=through_rotations))


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
