"""The one place that turns a user's roles into the rows they may see or change.

Every list, detail, export and API query starts from `Model.objects.visible_to(user, action)`.
A model declares, in `scope_paths`, the lookup from itself to each kind of unit; a role whose
unit the model cannot reach sees nothing of it.
"""

from django.db import models
from django.db.models import Q

from .roles import EDITOR_ROLES, Role, Scope

ACTIONS = ("view", "change")


class ScopedQuerySet(models.QuerySet):
    scope_paths: dict[str, str] = {}
    # Roles whose scope lets them change rows (the others only read).
    editor_roles = EDITOR_ROLES
    # Roles that see these rows at all within their scope (None: every role).
    viewer_roles: frozenset | None = None

    def visible_to(self, user, action: str = "view"):
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        condition = Q(pk__in=[])
        for assignment in user.active_roles():
            if action == "change" and assignment.role not in self.editor_roles:
                continue
            if self.viewer_roles is not None and assignment.role not in self.viewer_roles:
                continue
            if assignment.scope == Scope.NATIONAL:
                return self.all()
            condition |= self._condition(assignment)
        return self._distinct(condition)

    def within(self, assignment):
        """The rows inside one role assignment's scope (a dashboard section per role)."""
        if assignment.scope == Scope.NATIONAL:
            return self.all()
        return self._distinct(self._condition(assignment))

    def _condition(self, assignment) -> Q:
        scope = assignment.scope
        if scope == Scope.SELF:
            path = self.scope_paths.get("self")
            return Q(**{path: assignment.user_id}) if path else Q(pk__in=[])
        field = {Scope.FACULTY: "faculty", Scope.HOSPITAL: "hospital_centre", Scope.SERVICE: "service"}[scope]
        path = self.scope_paths.get(field)
        return Q(**{f"{path}_id": getattr(assignment, f"{field}_id")}) if path else Q(pk__in=[])

    def _distinct(self, condition: Q):
        # A filter across a to-many relation can repeat rows: keep each once.
        return self.filter(pk__in=self.model.objects.filter(condition).values("pk"))


def can(user, action: str, obj) -> bool:
    """Object-level check used by views and the `rules` predicates."""
    return type(obj).objects.visible_to(user, action).filter(pk=obj.pk).exists()


def roles_of(user) -> set[Role]:
    return {Role(a.role) for a in user.active_roles()} if user.is_authenticated else set()
