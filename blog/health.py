"""`GET /healthz`: is the database reachable, is the broker reachable. For load balancers.

Answers 200 `{"database": "ok", "broker": "ok"}` or 503 with "down" for what failed. Each
check is bounded by a short timeout so a hung broker cannot hang the probe; the reason for
a failure goes to the log, never to the (anonymous) caller.
"""

import logging
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 2


def database_status() -> str:
    """Return "ok" when the default database answers a trivial query, else "down"."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        logger.error("health: database unreachable: %s", error)
        return "down"
    return "ok"


def broker_status() -> str:
    """Return "ok" when the Celery broker accepts a connection within seconds, else "down"."""
    broker = Connection(
        settings.CELERY_BROKER_URL,
        transport_options=_transport_options(),
        connect_timeout=BROKER_TIMEOUT_SECONDS,
    )
    try:
        # max_retries=0: one attempt; a down broker must answer "down" now, not after retries.
        broker.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
        broker.default_channel  # noqa: B018 - opening a channel proves the broker answers
    except Exception as error:  # every transport raises its own kinds of error
        logger.error("health: broker unreachable: %s", error)
        return "down"
    finally:
        broker.release()
    return "ok"


def _transport_options() -> dict[str, Any]:
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}))
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        options["socket_timeout"] = BROKER_TIMEOUT_SECONDS
        options["socket_connect_timeout"] = BROKER_TIMEOUT_SECONDS
    return options


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Report database and broker reachability: 200 when both answer, 503 otherwise."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
