"""`residanat worker`: runs the background jobs (django-tasks' database worker) and beats, so that
the health URL shows it alive. Every option of `db_worker` applies (`--batch`, `--max-tasks`, ...)."""

import time

from django_tasks_db.management.commands import db_worker

from residanat.ops.heartbeat import record_heartbeat
from residanat.ops.jobs import do_requeue_abandoned

# Well under heartbeat.LATE_AFTER, and rare enough not to write at every poll of the queue.
BEAT_EVERY = 30.0


class Worker(db_worker.Worker):
    _last_beat = float("-inf")
    running_task = False

    # The loop asks `running` before every poll of the queue and after every job: the one place
    # where an idle worker and a busy one both pass, so it beats there (never from the signal
    # handler in the middle of a job, which asks it too).
    @property
    def running(self):
        now = time.monotonic()
        if not self.running_task and now - self._last_beat >= BEAT_EVERY:
            record_heartbeat()
            # A job whose worker died midway is picked up again by the next worker alive, at once
            # by the same worker started again under its fixed id (it holds no job here).
            do_requeue_abandoned(own=self.worker_id)
            self._last_beat = now
        return self._running

    @running.setter
    def running(self, value):
        self._running = value


class Command(db_worker.Command):
    help = "Run the background jobs (PDF lists, ...); several may run side by side."

    def handle(self, *, verbosity, queue_name, interval, batch, backend_name, startup_delay, max_tasks, worker_id,
               **options):
        # db_worker's own handle, without --reload (a production worker is restarted, not reloaded).
        self.configure_logging(verbosity)
        worker = Worker(queue_names=queue_name.split(","), interval=interval, batch=batch, backend_name=backend_name,
                        startup_delay=startup_delay, max_tasks=max_tasks, worker_id=worker_id)
        worker.configure_signals()
        worker.run()
