"""Broker down while readers submit: every comment is answered, saved, and scored later."""

import pytest

from comments.models import Comment, Status
from tests.factories import PostFactory
from tests.faults.conftest import scored, scorer_entries
from tests.workers import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

READERS = 3
# A dead broker may cost a submit two socket timeouts (2 s each) and one short retry; a
# publish that waited on the broker's own reconnect policy would take far longer.
QUICKLY = 10.0


def submit_during_outage(web, slug: str) -> list[int]:
    """Submit as several readers; return the ids, after checking each answer."""
    ids = []
    for n in range(READERS):
        answer = web.submit(
            slug, f"Reader {n} here: the second step worked for me.", email=f"reader{n}@example.org"
        )
        assert answer.status == 201, answer.body
        assert answer.seconds < QUICKLY, f"submit {n} took {answer.seconds:.1f}s"
        ids.append(answer.json()["id"])
    return ids


def assert_each_scored_once(lab, ids: list[int]) -> None:
    """Wait (bounded) for every comment's verdict; each has exactly one scorer entry."""
    wait_for(
        lambda: all(scored(pk) for pk in ids),
        timeout=45,
        message=f"not all comments were scored:\n{lab.logs()}",
    )
    for pk in ids:
        assert Comment.objects.get(pk=pk).status == Status.APPROVED
        assert scorer_entries(pk) == [("pending", "approved")], pk


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_comments_submitted_while_redis_is_down_are_scored_once_it_is_back(lab, outage):
    """Redis stopped (or hung) during submits: 201s, rows saved, all scored after it returns."""
    PostFactory(slug="busy", moderation_mode="post")
    broker = lab.redis()
    web = lab.web(**broker.env)
    before = web.submit("busy", "Posted while the broker was still fine.")
    assert before.status == 201

    broker.stop() if outage == "stopped" else broker.freeze()
    ids = submit_during_outage(web, "busy")
    assert Comment.objects.filter(pk__in=ids, status=Status.PENDING).count() == READERS
    broker.start() if outage == "stopped" else broker.thaw()

    # No one re-sends anything: a worker with its beat sweeps up what the broker never got
    # (and, when Redis restarted empty, the message of the comment sent before the outage).
    lab.worker("after-outage", broker, beat=True)
    assert_each_scored_once(lab, [before.json()["id"], *ids])


def test_comments_submitted_while_the_queue_folder_is_broken_are_scored_once_mended(lab):
    """The embedded broker's folder unusable during submits: 201s, then all scored."""
    PostFactory(slug="busy", moderation_mode="post")
    broker = lab.queue_folder()
    web = lab.web(**broker.env)

    broker.break_()
    ids = submit_during_outage(web, "busy")
    broker.mend()

    lab.worker("after-outage", broker, beat=True)
    assert_each_scored_once(lab, ids)
