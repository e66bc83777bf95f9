"""Which events some active endpoint subscribed to, kept in the shared cache.

Asked before a comment event is queued: most sites have no endpoint for most events, and
an event task that nobody wants costs a broker message and a worker's run for nothing. The
answer is one small GET. An endpoint saved or deleted (`Endpoint.save`, `Endpoint.delete`)
forgets the cached set at once and, after its commit, stores the new one, while readers
only `add` what they read, so one who read the old set during the commit cannot put it
back. The set also expires after WANTED_SECONDS: the bound for a change made by a queryset
update, which only ever turns endpoints off (a health notice), so a stale set can only
queue an event nobody wants, never drop one.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

WANTED_KEY = "webhooks:events-wanted:v1"
WANTED_SECONDS = 30


def events_wanted() -> frozenset[str]:
    """Return every event an active endpoint subscribed to (the cache, else the database)."""
    try:
        cached: frozenset[str] | None = cache.get(WANTED_KEY)
    except Exception:  # a cache outage: ask the database, as without the cache
        logger.warning("could not read the webhooks' events from the cache", exc_info=True)
        return _stored()
    if cached is None:
        cached = _stored()
        _keep(cache.add, cached)
    return cached


def events_wanted_changed() -> None:
    """An endpoint changed: forget the cached set now, and store the new one after commit."""
    try:
        cache.delete(WANTED_KEY)
    except Exception:
        logger.warning("could not forget the webhooks' events in the cache", exc_info=True)
    transaction.on_commit(lambda: _keep(cache.set, _stored()))


def _stored() -> frozenset[str]:
    from moderation.webhooks.models import Endpoint

    rows = Endpoint.objects.filter(active=True).values_list("events", flat=True)
    return frozenset(event for events in rows for event in events)


def _keep(write: Callable[[str, object, int], object], events: frozenset[str]) -> None:
    try:
        write(WANTED_KEY, events, WANTED_SECONDS)
    except Exception:  # a cache outage: the next reader asks the database
        logger.warning("could not keep the webhooks' events in the cache", exc_info=True)
