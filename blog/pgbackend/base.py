"""Django's PostgreSQL backend; the per-request health check skips a connection just used.

With persistent connections and CONN_HEALTH_CHECKS, Django pings (`SELECT 1`) a reused
connection at the start of every request: one more round trip than the request's own
queries, on every request. A connection that served a request without error a moment
ago is as good as checked; one idle for longer than RECENT_SECONDS is still pinged, so a
database restarted while the site was quiet costs no error.
"""

import time

from django.db.backends.postgresql import base

RECENT_SECONDS = 2.0


class DatabaseWrapper(base.DatabaseWrapper):
    _answered_at = -RECENT_SECONDS

    def close_if_health_check_failed(self) -> None:
        hot = time.monotonic() - self._answered_at < RECENT_SECONDS
        if self.connection is not None and hot and not self.errors_occurred:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close_if_unusable_or_obsolete(self) -> None:
        # Django calls this at the start and the end of each request; at the end,
        # health_check_done says the connection was used (and checked) during it.
        served = self.health_check_done and not self.errors_occurred
        super().close_if_unusable_or_obsolete()
        if served and self.connection is not None:
            self._answered_at = time.monotonic()
