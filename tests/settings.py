"""Test settings: the project's settings with their own folder for the queue and cache.

The database and broker still come from DATABASE_URL / CELERY_BROKER_URL / CACHE_URL, so
the same suite runs on the embedded defaults and on PostgreSQL + Redis.
"""

import json
import os
from pathlib import Path

os.environ.setdefault(
    "THREADKEEPER_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test")
)

from blog.settings import *  # noqa: F403
from blog.settings import COMMENTS, DATABASES

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "[::1]"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
COMMENTS = {
    **COMMENTS,
    "SUBMIT_RATE": None,
    "SUBMIT_RATE_PER_POST": None,
    "MAX_COMMENTS_PER_POST_PER_HOUR": None,
}
if DATABASES["default"]["ENGINE"] == "blog.pgbackend":  # PostgreSQL (blog/pgbackend)
    _test_db = os.environ.get("THREADKEEPER_TEST_DB", "test_threadkeeper")
    DATABASES["default"]["TEST"] = {"NAME": _test_db}

# Fault tests (tests/faults) start workers with these: a slow spam signal so that a kill
# lands mid-scoring, and a sweep every second under beat instead of every minute.
from blog.settings import CELERY_BEAT_SCHEDULE, MODERATION  # noqa: E402
from moderation.conf import MODERATION_DEFAULTS  # noqa: E402

if os.environ.get("THREADKEEPER_TEST_SLOW_SIGNAL"):
    MODERATION = {
        **MODERATION,
        "SIGNALS": [
            *MODERATION.get("SIGNALS", MODERATION_DEFAULTS["SIGNALS"]),
            "tests.faults.slow_signal.pause",
        ],
    }
if os.environ.get("THREADKEEPER_TEST_MODERATION"):  # workers started with extra knobs
    MODERATION = {**MODERATION, **json.loads(os.environ["THREADKEEPER_TEST_MODERATION"])}
if os.environ.get("THREADKEEPER_TEST_FAST_SWEEP"):
    MODERATION = {**MODERATION, "SWEEP_AFTER_SECONDS": 1}
    CELERY_BEAT_SCHEDULE = {
        **CELERY_BEAT_SCHEDULE,
        "sweep-unscored-comments": {"task": "moderation.sweep_unscored", "schedule": 1.0},
    }

# Mail tests with a real worker: retries after a second instead of half a minute.
if os.environ.get("THREADKEEPER_TEST_FAST_MAIL_RETRY"):
    COMMENTS = {**COMMENTS, "MAIL_RETRY_SECONDS": [1, 1, 2]}
