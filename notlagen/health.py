"""Liveness and readiness probes for load balancers and orchestrators."""

import logging

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .celery import app as celery_app

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """The process is alive and answers; no dependency is checked."""
    return JsonResponse({"status": "ok"})


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        logger.exception("Readiness: database unreachable")
        return False


def _broker_ok() -> bool:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        logger.exception("Readiness: broker unreachable")
        return False


@never_cache
@require_GET
def readyz(request):
    """Ready to serve: the database and the broker are reachable. The body names what failed."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    failed = [name for name, ok in checks.items() if not ok]
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": {k: "ok" if v else "failed" for k, v in checks.items()},
    }
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=200 if not failed else 503)
