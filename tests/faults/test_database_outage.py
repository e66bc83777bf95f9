"""Database connection lost and back: 503 with Retry-After meanwhile, then normal service."""

import pytest
from django.db import connection

from comments.models import Comment
from tests.factories import PostFactory
from tests.faults.processes import TcpProxy

pytestmark = [
    pytest.mark.faults,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite is a file the web process opens itself: there is no connection to "
        "lose; run with DATABASE_URL=postgres://... for this fault",
    ),
]

THREAD = "/api/v1/posts/steady/comments/"


def web_behind_proxy(lab):
    """gunicorn whose only way to PostgreSQL is a relay this test can cut."""
    db = connection.settings_dict
    proxy = lab.keep(TcpProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))).start())
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    url = f"postgres://{auth}@127.0.0.1:{proxy.port}/{db['NAME']}"
    return proxy, lab.web(DATABASE_URL=url, **lab.queue_folder().env)


def assert_unavailable(answer) -> None:
    assert answer.status == 503, answer.body[:500]
    assert int(answer.headers["retry-after"]) > 0
    assert b"database" in answer.body


def test_requests_answer_503_while_the_database_is_gone_and_recover_without_restart(lab):
    """Cut the database: what needs it says 503 + Retry-After; mend it: all work.

    A thread page the cache already holds is still served: nothing can change it while the
    database is gone, and readers keep reading.
    """
    PostFactory(slug="steady", moderation_mode="post")
    proxy, web = web_behind_proxy(lab)
    assert web.submit("steady", "Before the outage.").status == 201
    cached = web.request("GET", THREAD)
    assert cached.status == 200

    proxy.cut()
    again = web.request("GET", THREAD)
    assert (again.status, again.body) == (200, cached.body)
    assert_unavailable(web.request("GET", THREAD + "?page_size=7"))
    assert_unavailable(web.submit("steady", "During the outage."))
    assert_unavailable(web.request("GET", "/posts/steady/"))

    proxy.start()
    assert web.request("GET", THREAD).status == 200
    assert web.submit("steady", "After the outage.").status == 201
    assert web.request("GET", "/posts/steady/").status == 200
    assert web.child.running(), "the web server must recover without a restart"
    bodies = set(Comment.objects.values_list("body_source", flat=True))
    assert bodies == {"Before the outage.", "After the outage."}
