"""Liveness and readiness endpoints for load balancers and process managers."""

import logging

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def healthz(request):
    """The process is up and answering; touches nothing else."""
    return JsonResponse({"status": "ok"})


def readyz(request):
    """The database answers and every migration is applied."""
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        logger.warning("Readiness check failed: database unreachable: %s", error)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    if pending:
        return JsonResponse(
            {"status": "unavailable", "database": "ok", "pending_migrations": len(pending)},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok"})
