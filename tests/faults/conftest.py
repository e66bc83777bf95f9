"""Fixtures for the fault tests: private brokers, workers and web servers, always stopped."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from comments.models import Comment, CommentEvent, Status
from moderation.tasks import score_comment
from tests.factories import CommentFactory, PostFactory
from tests.faults.processes import QueueFolder, RedisServer, TcpProxy, Web, start_web
from tests.workers import Child, start_worker

Broker = RedisServer | QueueFolder


class Lab:
    """Starts the processes a fault test needs and remembers them, so none outlives it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.marks = folder / "marks"
        self.marks.mkdir(parents=True, exist_ok=True)
        self.started: list[Child | Broker | Web | TcpProxy] = []

    def keep(self, thing):  # type: ignore[no-untyped-def]
        self.started.append(thing)
        return thing

    def redis(self) -> RedisServer:
        if shutil.which("redis-server") is None:
            pytest.skip("redis-server is not installed; a private broker needs it")
        return self.keep(RedisServer(self.folder).start())

    def queue_folder(self) -> QueueFolder:
        return self.keep(QueueFolder(self.folder / "var"))

    def worker(
        self,
        name: str,
        broker: Broker,
        *,
        beat: bool = False,
        slow: bool = False,
        concurrency: int = 1,
    ) -> Child:
        """A real worker on `broker`; `slow` adds the sleeping signal, `beat` a 1s sweep."""
        env = dict(broker.env)
        if slow:
            env["THREADKEEPER_TEST_SLOW_SIGNAL"] = str(self.marks)
            env["THREADKEEPER_TEST_SLOW_SECONDS"] = "2"
        if beat:
            env["THREADKEEPER_TEST_FAST_SWEEP"] = "1"
        return self.keep(
            start_worker(name, self.folder, env=env, beat=beat, concurrency=concurrency)
        )

    def web(self, workers: int = 2, **env: str) -> Web:
        web = start_web(self.folder, env=env, workers=workers)
        self.keep(web.child)
        return web

    def logs(self) -> str:
        """Every log of this test, for an assertion message."""
        parts = [f"--- {c.name}:\n{c.log()[-4000:]}" for c in self.started if isinstance(c, Child)]
        return "\n".join(parts)

    def stop_all(self) -> None:
        """Kill what is left: the tests are done with it, and a warm shutdown takes seconds."""
        for thing in reversed(self.started):
            thing.kill() if isinstance(thing, Child) else thing.stop()


@pytest.fixture
def lab(transactional_db: None, tmp_path: Path) -> Iterator[Lab]:
    """A scratch folder for processes; everything started in it is stopped afterwards."""
    lab = Lab(tmp_path)
    try:
        yield lab
    finally:
        lab.stop_all()


@pytest.fixture
def private_broker(lab: Lab) -> Broker:
    """A broker of this run's kind (Redis, or the queue folder) that only this test uses."""
    if settings.CELERY_BROKER_URL.startswith("redis"):
        return lab.redis()
    return lab.queue_folder()


def pending_comment(body: str = "A thoughtful comment about deployments.") -> Comment:
    """A pending comment on a post-moderated post, saved but never queued."""
    post = PostFactory(moderation_mode="post")
    return CommentFactory(
        post=post, status=Status.PENDING, body_source=body, body_html=f"<p>{body}</p>"
    )


def send_score(broker: Broker, comment: Comment) -> None:
    """Publish score_comment(id, revision) to `broker`, as comment_submit would."""
    with broker.connection() as conn, conn.Producer() as producer:
        score_comment.apply_async((comment.pk, comment.revision), producer=producer)


def scorer_entries(comment_id: int) -> list[tuple[str, str]]:
    """The status changes the scorer recorded for a comment."""
    return list(
        CommentEvent.objects.filter(comment_id=comment_id, actor_label="scorer").values_list(
            "from_status", "to_status"
        )
    )


def scored(comment_id: int) -> Comment | None:
    comment = Comment.objects.get(pk=comment_id)
    return comment if comment.scored_revision == comment.revision else None
