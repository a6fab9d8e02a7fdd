"""Request ids: taken from nginx's X-Request-ID or made here, sent back in the
response, added to every log record, and one log line per request."""

import logging
import re
import time
import uuid
from contextvars import ContextVar

logger = logging.getLogger(__name__)

REQUEST_ID_HEADER = "X-Request-ID"
# Ids from outside are kept only when they look like ids (nginx's $request_id is
# 32 hex digits), so a client cannot write arbitrary text into the logs.
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="-")


def request_id_from(header_value: str | None) -> str:
    """Return the incoming id when it is well formed, else a new random one."""
    if header_value and _VALID_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record; "-" outside a request.

    Django logs error responses (logger django.request) after the middleware
    has returned, so for those the id comes from the record's request.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or current_request_id.get()
        return True


class SkipServiceUnavailableFilter(logging.Filter):
    """Drops django.request's line for each 503: the request log has it already,
    and ops.database_errors logs the cause, rate-limited."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 503


class RequestIdMiddleware:
    """Sets the request id for the duration of a request and logs the request once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            current_request_id.reset(token)

    @staticmethod
    def _log(request, status: int, started: float) -> None:
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        if status == 503:
            level = logging.WARNING
        elif status >= 500:
            level = logging.ERROR
        else:
            level = logging.INFO
        logger.log(
            level,
            "%s %s %s %.1fms",
            request.method,
            request.path,
            status,
            duration_ms,
            extra={
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": duration_ms,
            },
        )
