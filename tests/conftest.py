"""Shared fixtures: API clients for each role, posts, and a real Celery worker process."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from celery.signals import before_task_publish
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from blog.celery import app as celery_app
from comments.pages import pages_forget
from tests.factories import ModeratorFactory, PostFactory, UserFactory
from tests.workers import Child, start_worker

pytest_plugins = ["tests.notify.smtp"]  # the `smtp` fixture: a real SMTP server on loopback

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    """Throttle counters, idempotency keys and rendered pages are cached: start every test clean."""
    cache.clear()
    pages_forget()
    yield
    cache.clear()
    pages_forget()


@pytest.fixture
def api() -> APIClient:
    """An anonymous API client (a reader, or the widget)."""
    return APIClient(REMOTE_ADDR="203.0.113.10")


@pytest.fixture
def moderator(db: None) -> object:
    return ModeratorFactory()


@pytest.fixture
def moderator_api(moderator: object) -> APIClient:
    """An API client authenticated with a moderator's DRF token."""
    client = APIClient(REMOTE_ADDR="203.0.113.20")
    token, _ = Token.objects.get_or_create(user=moderator)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def user_api(db: None) -> APIClient:
    """An API client authenticated as an ordinary (non-moderator) user."""
    client = APIClient(REMOTE_ADDR="203.0.113.30")
    token, _ = Token.objects.get_or_create(user=UserFactory())
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def post(db: None) -> object:
    return PostFactory(slug="hello-world", title="Hello, world")


@pytest.fixture
def endpoint_for_every_event(db: None) -> None:
    """A webhook endpoint that wants every comment event: each one has a receiver, so each is
    queued (without one, events nobody can act on are not: test_events_wanted.py)."""
    from moderation.events import EVENTS
    from moderation.webhooks.models import Endpoint

    Endpoint.objects.create(url="https://hooks.example.org/", events=list(EVENTS), secret="s")


@pytest.fixture
def published_tasks() -> Iterator[list[tuple[str, tuple]]]:
    """(task name, args) of every message actually sent to the broker during the test."""
    sent: list[tuple[str, tuple]] = []

    def record(sender: str | None = None, body: object = None, **kwargs: object) -> None:
        sent.append((str(sender), tuple(body[0])))  # type: ignore[index]

    before_task_publish.connect(record, weak=False)
    yield sent
    before_task_publish.disconnect(record)
    # The test's rows were rolled back: its messages would only make a worker wait.
    purge_broker()


def purge_broker() -> None:
    """Drop messages left in the test broker by an earlier, interrupted run."""
    with celery_app.connection_for_write() as conn:
        for queue in ("celery", "events", "webhooks"):
            conn.default_channel.queue_purge(queue)


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[Child]:
    """A real `celery -A blog worker` process on the test database, for one test.

    It is stopped before the test's tables are flushed: a worker still holding row locks
    while the flush truncates them deadlocks on PostgreSQL.
    """
    purge_broker()
    worker = start_worker("integration", ARTIFACTS / "logs", env={})
    yield worker
    worker.stop()
    purge_broker()
