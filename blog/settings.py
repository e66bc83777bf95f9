"""Django settings. Everything an operator sets comes from the environment (see README)."""

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from kombu import Exchange, Queue

from blog.mailurl import email_settings

django_stubs_ext.monkeypatch()  # lets ModelAdmin[...] and friends be subscripted at run time

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("THREADKEEPER_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no environment variable (1/0, true/false, yes/no, on/off)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Without a secret key we are on a developer's machine with embedded defaults.
_secret = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", default=not _secret)
SECRET_KEY = _secret or "django-insecure-development-only-set-DJANGO_SECRET_KEY-in-production"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "blog",
    "comments",
    "comments.notify",
    "moderation",
    "moderation.webhooks",
]

MIDDLEWARE = [
    "blog.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "blog.middleware.ApiNotFoundMiddleware",
    "blog.middleware.RequestSizeLimitMiddleware",
    "blog.middleware.NulInQueryMiddleware",
    "blog.middleware.UnavailableMiddleware",
    # An anonymous JSON thread read whose stamp and page are cached is answered here.
    "comments.thread_reads.CachedThreadMiddleware",
    "blog.middleware.OldAddressRedirectMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "blog.urls"
WSGI_APPLICATION = "blog.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database: PostgreSQL when DATABASE_URL says so, else an SQLite file in the repo.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, minus the health-check round trip on a connection just used.
    DATABASES["default"]["ENGINE"] = "blog.pgbackend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker is another process: tests need a file, not an in-memory database,
    # and IMMEDIATE transactions make concurrent writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (throttling, idempotency keys): Redis when CACHE_URL says so, else files on disk
# so that several web processes on one machine still share it.
_cache_url = os.environ.get("CACHE_URL", "")
if _cache_url.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "blog.cache.RedisCache",
            "LOCATION": _cache_url,
            # A hung Redis must not hold requests forever: a healthy one answers in a
            # millisecond; past these, reads go on without the cache and writes answer 503.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "blog.cache.FileCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Mail: one URL (blog/mailurl.py); unset = readable .eml files under var/mail/.
_mail = email_settings(os.environ.get("EMAIL_URL", ""), default_dir=VAR_DIR / "mail")
EMAIL_BACKEND: str = _mail["EMAIL_BACKEND"]
EMAIL_FILE_PATH: str = _mail.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST: str = _mail.get("EMAIL_HOST", "localhost")
EMAIL_PORT: int = _mail.get("EMAIL_PORT", 25)
EMAIL_HOST_USER: str = _mail.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD: str = _mail.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS: bool = _mail.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL: bool = _mail.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT: float = _mail.get("EMAIL_TIMEOUT", 10.0)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Threadkeeper <comments@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery: the embedded default is kombu's filesystem transport (no server, crosses processes).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
QUEUES = ("celery", "events", "webhooks")  # scoring and learning; event fan-out; deliveries
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    # kombu's filesystem transport, writing each message aside and renaming it into place.
    CELERY_BROKER_TRANSPORT = "blog.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
        # kombu sleeps this long whenever it may not take a message (prefetch full, or the
        # folder empty): at its default of 1 s a worker scored about two comments a second.
        "polling_interval": 0.1,
    }
else:
    # A broker that stops answering must not hold a reader's submit: socket timeouts bound
    # a publish to seconds (the sweep queues what could not be sent). An unacknowledged
    # task whose worker died is handed out again after visibility_timeout (or swept).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 300,
        "socket_timeout": 2,
        "socket_connect_timeout": 2,
    }
# Keep database connections across tasks (blog/celery.py closes the unsound or old ones).
CELERY_DB_REUSE_MAX = 1_000_000
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_PUBLISH_RETRY = True
# One quick retry: a submit waits at most a few seconds on a dead broker, then the sweep
# (CELERY_BEAT_SCHEDULE) queues the comment once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.5}
# Events (and the mail they cause) fan out on their own queue, so a slow receiver never
# delays scoring; webhook deliveries have a queue of their own too (`serve` runs a separate
# worker for it). A worker started without -Q consumes all three; `-Q celery,events` /
# `-Q webhooks` split them.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name, Exchange(name), routing_key=name) for name in QUEUES]
CELERY_TASK_ROUTES = {
    "moderation.comment_event": {"queue": "events"},
    "notify.*": {"queue": "events"},
    "webhooks.*": {"queue": "webhooks"},
}
CELERY_BEAT_SCHEDULE = {
    "sweep-unscored-comments": {"task": "moderation.sweep_unscored", "schedule": 60.0},
    "anonymize-old-ips": {"task": "comments.anonymize_old_ips", "schedule": 3600.0},
    "sweep-webhook-deliveries": {"task": "webhooks.sweep", "schedule": 30.0},
    "sweep-outbox": {"task": "notify.sweep_outbox", "schedule": 60.0},
    "flush-mail-batches": {"task": "notify.flush_batches", "schedule": 60.0},
}  # and the moderators' digest, daily at MODERATION["DIGEST_HOUR"] (blog/celery.py)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- The service's own knobs (defaults and meaning: comments/conf.py, moderation/conf.py).
COMMENTS: dict[str, Any] = {
    "ALLOWED_ORIGINS": env_list("COMMENTS_ALLOWED_ORIGINS"),
    "TRUSTED_PROXIES": env_list("COMMENTS_TRUSTED_PROXIES"),
    "SUBMIT_RATE": os.environ.get("COMMENTS_SUBMIT_RATE", "10/min"),
    "SITE_NAME": os.environ.get("COMMENTS_SITE_NAME", "Threadkeeper"),
    "SITE_URL": os.environ.get("COMMENTS_SITE_URL", "http://127.0.0.1:8000"),
}
MODERATION: dict[str, Any] = {
    "AKISMET_API_KEY": os.environ.get("AKISMET_API_KEY", ""),
    "AKISMET_BLOG_URL": os.environ.get("AKISMET_BLOG_URL", ""),
    "WEBHOOKS_ALLOW_PRIVATE": env_bool("COMMENTS_WEBHOOKS_ALLOW_PRIVATE", default=False),
}

# --- REST framework
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "DEFAULT_PARSER_CLASSES": [
        "comments.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "comments.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "comments.schema.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Threadkeeper comment service",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI and ReDoc from our own static files: no CDN, and the CSP stays 'self'.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One name for the status choices (the model field and history's from/to share them).
    "ENUM_NAME_OVERRIDES": {"CommentStatusEnum": "comments.models.Status"},
}

# --- CORS: only the origins the operator lists may embed the widget or call the API. The
# list is COMMENTS["ALLOWED_ORIGINS"] (env COMMENTS_ALLOWED_ORIGINS), read per request by
# comments.cors; django-cors-headers' own CORS_ALLOWED_ORIGINS stays empty.
CORS_URLS_REGEX = r"^/(api|static)/.*$"
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["Retry-After", "Location", "ETag"]
CORS_ALLOW_HEADERS = [
    "accept",
    "authorization",
    "content-type",
    "if-none-match",
    "x-edit-token",
    "idempotency-key",
]

# --- Static files (whitenoise serves them, with caching headers).
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = True
# embed.js keeps one URL (blogs link to it), so it cannot be cache-busted by a hashed name:
# an hour of caching, then a cheap revalidation (ETag / Last-Modified).
WHITENOISE_MAX_AGE = 3600
# collectstatic also writes .gz files, which whitenoise serves to browsers that accept them.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
CELERY_TIMEZONE = TIME_ZONE  # beat's daily entries (the moderators' digest) run on server time
USE_I18N = True
USE_TZ = True

# Requests larger than this are refused with 413 before anything is parsed.
DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024

# --- Security: production (DEBUG off) gets the full set; `manage.py check --deploy` is clean.
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Load balancers probe over plain HTTP inside the network: a 301 would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds every subdomain for years: the operator opts in, not a warning.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("DJANGO_BEHIND_TLS_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}
