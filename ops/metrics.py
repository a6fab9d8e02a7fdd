"""Prometheus metrics of requests and database queries, and the /metrics view.

Under gunicorn with several worker processes each worker has its own counters.
When PROMETHEUS_MULTIPROC_DIR is set (deploy/gunicorn.conf.py sets it) the
client library keeps them in files there and /metrics adds up all workers;
without it /metrics shows the answering process only.
"""

import logging
import os
import time

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from .client_address import address_allowed, client_address

logger = logging.getLogger(__name__)

REQUESTS = Counter(
    "kb_http_requests_total",
    "HTTP requests answered, by method, URL route and status code.",
    ["method", "route", "status"],
)
REQUEST_SECONDS = Histogram(
    "kb_http_request_duration_seconds",
    "Time from the request reaching Django to the response leaving it, in seconds.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EXCEPTIONS = Counter(
    "kb_http_exceptions_total",
    "Exceptions raised by views, by exception class.",
    ["exception"],
)
DB_QUERIES = Counter(
    "kb_db_queries_total",
    "SQL statements executed, by database alias and outcome (ok or error).",
    ["alias", "outcome"],
)
DB_QUERY_SECONDS = Histogram(
    "kb_db_query_duration_seconds",
    "Time of one SQL statement including the round trip, in seconds.",
    ["alias"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1),
)

# Requests that matched no URL pattern share one label, so that scanners cannot
# create a time series per path they try.
UNMATCHED_ROUTE = "<unmatched>"


def route_label(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return UNMATCHED_ROUTE
    return match.route or match.view_name or UNMATCHED_ROUTE


class MetricsMiddleware:
    """Counts every request with its route, status and duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        route = route_label(request)
        REQUESTS.labels(request.method, route, str(response.status_code)).inc()
        REQUEST_SECONDS.labels(request.method, route).observe(time.perf_counter() - started)
        return response

    def process_exception(self, request, exception):
        EXCEPTIONS.labels(type(exception).__name__).inc()


def _timed_query(alias: str):
    def execute(execute_statement, sql, params, many, context):
        started = time.perf_counter()
        outcome = "ok"
        try:
            return execute_statement(sql, params, many, context)
        except Exception:
            outcome = "error"
            raise
        finally:
            DB_QUERIES.labels(alias, outcome).inc()
            DB_QUERY_SECONDS.labels(alias).observe(time.perf_counter() - started)

    return execute


def instrument_connection(sender, connection, **kwargs) -> None:
    """Time every statement of a new database connection (connection_created receiver)."""
    if not any(getattr(wrapper, "kb_metrics", False) for wrapper in connection.execute_wrappers):
        wrapper = _timed_query(connection.alias)
        wrapper.kb_metrics = True
        connection.execute_wrappers.append(wrapper)


def metrics_registry():
    """Return the registry to export: all workers' files in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def metrics_view(request):
    """Return the metrics in Prometheus text format to allowed addresses only."""
    address = client_address(request)
    if not address_allowed(address, settings.KB_METRICS_ALLOWED_IPS):
        logger.warning("Metrics request from %s rejected: not in KB_METRICS_ALLOWED_IPS", address)
        return HttpResponseForbidden("Forbidden\n", content_type="text/plain")
    return HttpResponse(generate_latest(metrics_registry()), content_type=CONTENT_TYPE_LATEST)
