"""The audit trail of a person and their statuses, as rows a reader can follow."""

from itertools import chain


def _changes(record):
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    fields = record.instance_type._meta
    return [(fields.get_field(c.field).verbose_name, c.old, c.new) for c in delta.changes]


def history_rows(person, limit=50):
    records = chain(
        person.history.select_related("history_user").all()[:limit],
        *[s.history.select_related("history_user").all()[:limit] for s in person.statuses.all()],
    )
    rows = [
        {
            "when": r.history_date,
            "who": r.history_user,
            "what": r.instance_type._meta.verbose_name,
            "type": r.get_history_type_display(),
            "changes": _changes(r),
            "reason": r.history_change_reason,
        }
        for r in records
    ]
    return sorted(rows, key=lambda row: row["when"], reverse=True)[:limit]
