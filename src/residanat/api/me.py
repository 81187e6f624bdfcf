"""The calling user: who they are and the roles, with their units, they hold today."""

from ninja import Router, Schema

from residanat.accounts.roles import SCOPE_FIELD, Role

router = Router(tags=["me"])


class RoleUnit(Schema):
    type: str
    id: int
    name: str
    name_fr: str
    name_ar: str


class RoleOut(Schema):
    role: str
    scope: str
    unit: RoleUnit | None


class MeOut(Schema):
    username: str
    language: str
    person_id: int | None
    roles: list[RoleOut]


def _role(assignment, language: str) -> dict:
    field = SCOPE_FIELD[Role(assignment.role)]
    unit = assignment.scope_unit
    if unit is None:
        return {"role": assignment.role, "scope": assignment.scope, "unit": None}
    return {
        "role": assignment.role,
        "scope": assignment.scope,
        "unit": {
            "type": field,
            "id": unit.pk,
            "name": unit.name_ar if language == "ar" else unit.name_fr,
            "name_fr": unit.name_fr,
            "name_ar": unit.name_ar,
        },
    }


@router.get("", response=MeOut, url_name="me")
def me(request):
    user = request.auth
    person = getattr(user, "person", None)
    return {
        "username": user.username,
        "language": user.language,
        "person_id": person.pk if person else None,
        "roles": [_role(a, user.language) for a in user.active_roles()],
    }
