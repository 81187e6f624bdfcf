"""Who acts for which unit: the role assignments a user holds today (ministry, dean, hospital director)."""

from residanat.accounts.roles import Role


def holds(user, role, **unit_ids) -> bool:
    """Whether `user` holds `role` for the units given by id (faculty=3, hospital_centre=2, …)."""
    return any(a.role == role and all(getattr(a, f"{unit}_id") == pk for unit, pk in unit_ids.items())
               for a in user.active_roles())


def is_ministry(user) -> bool:
    return user.is_superuser or holds(user, Role.MINISTRY_ADMIN)


def is_dean_of(user, faculty_id) -> bool:
    return faculty_id is not None and (user.is_superuser or holds(user, Role.DEAN_OFFICE, faculty=faculty_id))


def is_director_of(user, centre_id) -> bool:
    return centre_id is not None and (user.is_superuser or holds(user, Role.HOSPITAL_DIRECTOR_OFFICE,
                                                                 hospital_centre=centre_id))
