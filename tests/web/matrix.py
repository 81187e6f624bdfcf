"""The vocabulary of the role × URL matrix, shared by test_access_matrix.py and its cases_* modules.

The world (built in test_access_matrix.py): two faculties F1, F2 with their hospital centres
CHU1, CHU2; each scoped role is scoped to F1/CHU1 (and the service S1 of CHU1). The sets below
say which roles see or change a competition of F1/CHU1 or of F2/CHU2.
"""

from residanat.accounts.roles import Role

ROLES = [
    "anonymous", "superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.DEAN_OFFICE,
    Role.HOSPITAL_DIRECTOR_OFFICE, Role.HEAD_OF_SERVICE, Role.COMMITTEE_MEMBER, Role.PAYROLL_OFFICER,
    Role.TRAINEE,
]
ALL = set(ROLES)
LOGGED_IN = ALL - {"anonymous"}
STAFF = LOGGED_IN - {Role.TRAINEE}
NATIONAL = {"superuser", Role.MINISTRY_ADMIN, Role.HIGHER_EDUCATION_OFFICER, Role.PAYROLL_OFFICER}
# A competition's scope: its faculty (dean) and its CHU (director, committee); no service, no self.
SEES_F1 = NATIONAL | {Role.DEAN_OFFICE, Role.HOSPITAL_DIRECTOR_OFFICE, Role.COMMITTEE_MEMBER}
SEES_F2 = NATIONAL
# Competitions are changed by the ministry and the faculty only (decision 0008).
CHANGES_F1 = {"superuser", Role.MINISTRY_ADMIN, Role.DEAN_OFFICE}
CHANGES_F2 = {"superuser", Role.MINISTRY_ADMIN}


def expect(allowed, yes, no, anonymous=None, scope=None):
    """`yes` for roles in `allowed`; for the others 404 when outside `scope`, else `no`."""

    def status(role):
        if role == "anonymous" and anonymous is not None:
            return anonymous
        if role in allowed:
            return yes
        if scope is not None and role not in scope:
            return 404
        return no

    return status


class LateId:
    """An id a POST body names that exists only once the world is built: the test client reads it
    (str) when it encodes the form. `ids` is the case module's own table, filled by its build()."""

    def __init__(self, ids: dict, key: str):
        self.ids = ids
        self.key = key

    def __str__(self):
        return str(self.ids[self.key])
