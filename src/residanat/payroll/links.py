"""Where the payroll pages send a reader who wants the person behind a line: the pay file of the
status the line pays (views_files.pay_file), where the pay terms and the RIB are corrected. A link
is given only when the reader sees that pay file (services.pay_file_statuses): no link to a 404.
Each function is one query, whatever the number of rows on the page."""

from __future__ import annotations

from .models import PayLine
from .services import pay_file_statuses


def readable_files(user, status_ids) -> set[int]:
    """Of these statuses, those whose pay file `user` may open."""
    return set(pay_file_statuses(user).filter(pk__in=set(status_ids)).values_list("pk", flat=True))


def files_of(user, runs, person_ids) -> dict[int, int]:
    """person id → the status whose pay file to open for them: the one their latest line in these
    runs pays (the current run before the month before), among those `user` may open."""
    rows = (PayLine.objects.filter(run__in=[run for run in runs if run is not None], person_id__in=set(person_ids),
                                   status__in=pay_file_statuses(user))
            .order_by("person_id", "-run__month", "-month_corrected", "-status_id")
            .values_list("person_id", "status_id"))
    found: dict[int, int] = {}
    for person_id, status_id in rows:
        found.setdefault(person_id, status_id)
    return found
