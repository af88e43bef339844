"""Probes for load balancers, answered before host checks and HTTPS redirects.

/healthz: the process is up. /readyz: the database answers, every migration is applied and,
when a broker is configured, the broker answers. Both are plain JSON and never cached.
"""

import json
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse

logger = logging.getLogger(__name__)


def _json(payload: dict, status: int) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), content_type="application/json", status=status)
    response["Cache-Control"] = "no-store"
    return response


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            return "migrations pending"
    except DatabaseError as exc:
        logger.warning("readyz: database unavailable: %s", exc)
        return "unavailable"
    return "ok"


def _broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "eager"
    from config.celery import app

    try:
        # The URL from the settings, not the app's cached configuration of it.
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=settings.CELERY_BROKER_CONNECTION_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readyz: broker unavailable: %s", exc)
        return "unavailable"
    return "ok"


class HealthCheckMiddleware:
    """Answer /healthz and /readyz; everything else goes on down the stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return _json({"status": "ok"}, 200)
        if request.path == "/readyz":
            checks = {"database": _database(), "broker": _broker()}
            ready = all(value in ("ok", "eager") for value in checks.values())
            return _json(
                {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503
            )
        return self.get_response(request)
