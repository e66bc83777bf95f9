"""Redis cache gone and back: threads still read, submits say 503 + Retry-After, then all work."""

import pytest

from comments.models import Comment
from tests.factories import PostFactory

pytestmark = [pytest.mark.faults, pytest.mark.integration, pytest.mark.django_db(transaction=True)]

THREAD = "/api/v1/posts/steady/comments/"
# Each cache call gives up after a second (blog/settings.py); a read makes a few of them.
QUICKLY = 10.0


@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_without_its_cache_the_service_reads_and_refuses_writes_cleanly(lab, outage):
    """Cache stopped (or hung): reads answer 200 from the database, a submit answers 503
    with Retry-After and saves nothing; with the cache back, submits work without a restart."""
    PostFactory(slug="steady", moderation_mode="post")
    cache = lab.redis()
    web = lab.web(CACHE_URL=cache.url, **lab.queue_folder().env)
    assert web.submit("steady", "Before the outage.").status == 201
    assert web.request("GET", THREAD).status == 200

    cache.stop() if outage == "stopped" else cache.freeze()
    for path in (THREAD, THREAD + "?page_size=7", "/posts/steady/"):
        read = web.request("GET", path)
        assert read.status == 200, (path, read.body[:500])
        assert read.seconds < QUICKLY, f"{path} took {read.seconds:.1f}s"
    refused = web.submit("steady", "During the outage.")
    assert refused.status == 503, refused.body[:500]
    assert int(refused.headers["retry-after"]) > 0
    assert b"cache" in refused.body
    assert refused.seconds < QUICKLY

    cache.start() if outage == "stopped" else cache.thaw()
    # Another reader: a hung Redis may still run the refused submit's lock once it wakes,
    # and that reader's own next submit then waits for the lock to expire (30 s) or is
    # asked to try again in a moment (429).
    after = web.submit("steady", "After the outage.", email="bo@example.org")
    assert after.status == 201, after.body[:500]
    assert web.request("GET", THREAD + "?page_size=7").status == 200
    assert web.child.running(), "the web server must recover without a restart"
    bodies = set(Comment.objects.values_list("body_source", flat=True))
    assert bodies == {"Before the outage.", "After the outage."}


def test_a_cache_restarted_between_two_requests_is_reconnected_at_once(lab):
    """Redis restarted while the web process was idle (an upgrade, a failover): the next
    submit reconnects and is saved, instead of failing on the connection Redis closed."""
    PostFactory(slug="steady", moderation_mode="post")
    cache = lab.redis()
    # One process: the request after the restart goes to the one holding the old connection.
    web = lab.web(workers=1, CACHE_URL=cache.url, **lab.queue_folder().env)
    assert web.submit("steady", "Before the restart.").status == 201

    cache.stop()
    cache.start()
    after = web.submit("steady", "After the restart.", email="bo@example.org")
    assert after.status == 201, after.body[:500]
