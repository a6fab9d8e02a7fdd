"""The answer while the database is unreachable: 503 with a short page, or JSON for /api/.

Readers get a page in both languages and API clients the API's error envelope,
never a traceback. The connection is not reused after such an error (Django
closes unusable connections at the end of the request, and CONN_HEALTH_CHECKS
tests reused ones), so the site recovers by itself when the database is back.
"""

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.defaults import server_error

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
# One warning per this many seconds per process, with a count of the others.
_LOG_INTERVAL_SECONDS = 10.0
_last_logged = 0.0
_suppressed = 0


def log_outage(request, error: Exception) -> None:
    """Log a database outage once per interval per process, with a count of the rest."""
    global _last_logged, _suppressed
    now = time.monotonic()
    if now - _last_logged < _LOG_INTERVAL_SECONDS:
        _suppressed += 1
        return
    logger.warning(
        "Database unavailable, returned 503 for %s %s (%d similar responses not logged): %s",
        request.method,
        request.path,
        _suppressed,
        str(error).strip(),
    )
    _last_logged, _suppressed = now, 0


def service_unavailable(request) -> HttpResponse:
    """Return the 503 response for `request`: JSON under /api/, else the bilingual page."""
    if request.path.startswith("/api/"):
        body = {
            "error": {
                "code": "service_unavailable",
                "message": _("The database is unavailable. Retry in a few seconds."),
            }
        }
        response = JsonResponse(body, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        html = loader.get_template("503.html").render()
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns database connection errors raised by views into 503 answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            log_outage(request, exception)
            return service_unavailable(request)
        return None


def handler500(request):
    """Django's 500 handler, except that database errors raised outside views give 503.

    Middleware such as the session and authentication middleware can query the
    database outside the view, where DatabaseUnavailableMiddleware does not see
    the exception; Django calls this handler inside its except block.
    """
    error = sys.exc_info()[1]
    if isinstance(error, DATABASE_ERRORS):
        log_outage(request, error)
        return service_unavailable(request)
    return server_error(request)
