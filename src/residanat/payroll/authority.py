"""Who runs, approves and reads the payroll (decision 0014).

A payroll officer works for one payer: national (the Ministry, and the territorial health groups
whose payroll the Ministry keeps) or one hospital centre (its residents). The second signature
(four eyes) is another payroll officer of the same payer, the Ministry's administrator for the
Ministry and the GSTs, or the director of the hospital centre for its own run."""

from residanat.accounts.roles import Role, Scope
from residanat.accounts.authority import holds, is_director_of

from .models import Payer

READERS = frozenset({Role.PAYROLL_OFFICER, Role.MINISTRY_ADMIN, Role.HOSPITAL_DIRECTOR_OFFICE})


def reads_payroll(user) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(*READERS))


def _officer_for(user, payer: str, hospital_centre_id) -> bool:
    for assignment in user.active_roles():
        if assignment.role != Role.PAYROLL_OFFICER:
            continue
        if assignment.scope == Scope.NATIONAL:
            return True
        if payer == Payer.CHU and assignment.hospital_centre_id == hospital_centre_id:
            return True
    return False


def operates(user, payer: str, hospital_centre_id=None) -> bool:
    """May open, compute and close this payer's runs."""
    return user.is_superuser or _officer_for(user, payer, hospital_centre_id)


def approves(user, run) -> bool:
    """May give the second signature (the check that it is another person is separate)."""
    if user.is_superuser or _officer_for(user, run.payer, run.hospital_centre_id):
        return True
    if run.payer == Payer.CHU:
        return is_director_of(user, run.hospital_centre_id)
    return holds(user, Role.MINISTRY_ADMIN)
