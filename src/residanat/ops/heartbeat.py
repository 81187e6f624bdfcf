"""Where the background worker says it is alive, and where the health URL reads it.

`residanat worker` (ops/management/commands/worker.py) calls `record_heartbeat()`; until one does,
the health URL reports the worker as absent. The beat lives in the cache, which every process of
every server shares (the database cache, or Redis with CACHE_URL), so that any server can answer
for a worker that runs elsewhere.
"""

import datetime as dt

from django.core.cache import cache
from django.utils import timezone

KEY = "residanat:worker:heartbeat"
# A worker beats at least this often; older than this, the health URL says it is late.
LATE_AFTER = dt.timedelta(minutes=2)


def record_heartbeat(now=None):
    cache.set(KEY, (now or timezone.now()).isoformat(), timeout=None)


# A running job that recorded no progress for this long is taken for abandoned (its worker killed)
# and queued again (ops.jobs.do_requeue_abandoned): a job records progress at least this often.
ABANDONED_AFTER = dt.timedelta(minutes=10)


def last_heartbeat():
    value = cache.get(KEY)
    return dt.datetime.fromisoformat(value) if value else None


def worker_state(now=None):
    beat = last_heartbeat()
    if beat is None:
        return {"status": "absent", "last_heartbeat": None}
    late = (now or timezone.now()) - beat > LATE_AFTER
    return {"status": "late" if late else "ok", "last_heartbeat": beat.isoformat()}
