"""Test settings: the project's settings with their own folder for the queue and cache.

The database and broker still come from DATABASE_URL / CELERY_BROKER_URL / CACHE_URL, so
the same suite runs on the embedded defaults and on PostgreSQL + Redis.
"""

import os
from pathlib import Path

os.environ.setdefault(
    "THREADKEEPER_VAR_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test")
)

from blog.settings import *  # noqa: E402, F403
from blog.settings import COMMENTS, DATABASES  # noqa: E402

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1", "[::1]"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
COMMENTS = {**COMMENTS, "SUBMIT_RATE": None, "SUBMIT_RATE_PER_POST": None,
            "MAX_COMMENTS_PER_POST_PER_HOUR": None}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("THREADKEEPER_TEST_DB", "test_threadkeeper")}
