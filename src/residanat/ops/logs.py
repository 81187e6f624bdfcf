"""One log line per request, and JSON lines for a log collector (LOG_FORMAT=json; settings.LOGGING)."""

import datetime as dt
import json
import logging
import time

logger = logging.getLogger("residanat.requests")

# The attributes every LogRecord has; whatever else a record carries came from `extra=`.
_RECORD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, and the record's `extra` fields."""

    def format(self, record):
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update((key, value) for key, value in vars(record).items() if key not in _RECORD_ATTRIBUTES)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def _user_id(request):
    # The id, never the username: the log leaves the application's access rules behind.
    try:
        user = getattr(request, "user", None)
        return user.pk if user is not None and user.is_authenticated else None
    except Exception:
        # The session or the database may be what failed; the line must still be written.
        return None


class RequestLogMiddleware:
    """method, path (never the query string, which may carry a name or a CIN searched for),
    status, duration in ms and the user's id, for every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - start) * 1000, 1)
        if logger.isEnabledFor(logging.INFO):
            user_id = _user_id(request)
            logger.info(
                "%s %s %s %sms user=%s", request.method, request.path, response.status_code, duration_ms,
                user_id if user_id is not None else "-",
                extra={"method": request.method, "path": request.path, "status": response.status_code,
                       "duration_ms": duration_ms, "user_id": user_id},
            )
        return response
