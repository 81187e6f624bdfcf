"""Who reads one kind of issued document (decision 0021): a small declarative value each app gives
when it registers the kind (`kinds.register(kind, label, readers=Readers(...))`).

Three readers, always:
- the person the document is about (law 09-08 art. 7: the right of access to one's own data);
- the issuer, but only while they still hold one of the kind's roles (a removed or ended role
  assignment takes the access away with it);
- the holders of the kind's `roles`, on the rows of `through` their role assignment reaches
  (`ScopedQuerySet.within`): the same rows the kind's own pages read, so the register, the timeline
  links and the kind's pages answer alike. A document about nobody (a list, a report, a run
  summary) has no row to reach: the national holders read it, or every holder when its figures are
  not personal (`unscoped`), or anyone when it is published (`public`).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from residanat.accounts.roles import Scope


@dataclass(frozen=True)
class Readers:
    roles: frozenset
    # The model whose rows, as a role assignment reaches them, give the persons whose documents of
    # this kind its holder reads; `person` is the path from a row to its person ("" for Person).
    through: type | None = None
    person: str = "person"
    unscoped: bool = False
    public: bool = False

    def holdings(self, user) -> list:
        """The user's role assignments of today that read this kind."""
        if user is None or not user.is_authenticated or not user.is_active:
            return []
        return [a for a in user.active_roles() if a.role in self.roles]

    def held_by(self, user) -> bool:
        return bool(user is not None and user.is_authenticated and user.is_superuser) or bool(self.holdings(user))

    def _person_path(self, suffix: str) -> str:
        return f"{self.person}__{suffix}" if self.person else suffix

    def rows(self, user):
        """The rows of `through` through which `user` reads this kind: those their roles reach,
        and the user's own. The pages serving the kind start from here."""
        model = self.through
        if user is None or not user.is_authenticated or not user.is_active:
            return model.objects.none()
        if user.is_superuser:
            return model.objects.all()
        condition = Q(**{self._person_path("user"): user.pk})
        for assignment in self.holdings(user):
            if assignment.scope == Scope.NATIONAL:
                return model.objects.all()
            condition |= Q(pk__in=model.objects.within(assignment).values("pk"))
        return model.objects.filter(condition)

    def reads_impersonal(self, user) -> bool:
        """May `user` read this kind's documents that are about nobody?"""
        if self.public or (user.is_authenticated and user.is_superuser):
            return user.is_authenticated
        holdings = self.holdings(user)
        return bool(holdings) and (self.unscoped or any(a.scope == Scope.NATIONAL for a in holdings))

    def documents(self, user) -> Q:
        """The condition on IssuedDocument (of this kind) that `user` reads."""
        if user.is_superuser:
            return Q()
        condition = Q(person__user=user.pk)
        if self.reads_impersonal(user):
            condition |= Q(person=None)
        if self.holdings(user):
            condition |= Q(issued_by=user.pk)
            if self.through is not None:
                condition |= Q(person__in=self.rows(user).values(self.person or "pk"))
        return condition
