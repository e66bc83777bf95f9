"""What a submit costs the database: a fixed set of statements, whatever the tables hold."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, Status
from moderation.webhooks.wanted import events_wanted
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/posts/hello-world/comments/"
# The post, the duplicate and flood counts (one aggregate), the bans; then the comment's
# INSERT (which takes its id and writes its thread path), its history row. Transaction
# control is not counted.
SUBMIT_STATEMENTS = 5
TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK")


def statements(queries: CaptureQueriesContext) -> list[str]:
    """Return the SQL a block ran, without the transaction control around it."""
    sqls = [query["sql"] for query in queries.captured_queries]
    return [sql for sql in sqls if not sql.upper().startswith(TRANSACTION_CONTROL)]


def submit(api, n: int) -> tuple[int, list[str]]:
    """Submit comment `n`; return its answer's status and the statements it took."""
    payload = {
        "author_name": f"Reader {n}",
        "author_email": f"reader{n}@example.org",
        "body": f"Comment {n}: thanks, the fix *worked* for me.",
    }
    with CaptureQueriesContext(connection) as queries:
        answer = api.post(URL, payload, format="json")
    assert answer.status_code == 201, answer.content
    return answer.status_code, statements(queries)


def test_a_submit_takes_a_fixed_number_of_statements(api, post):
    """Five statements per submit, the same for the first comment and after many others.

    (Plus, once per WANTED_SECONDS, the read of which events webhooks want: cached here.)
    """
    events_wanted()
    _, first = submit(api, 0)
    CommentFactory.create_batch(30, post=post, status=Status.APPROVED)
    _, later = submit(api, 1)
    assert len(first) == len(later) == SUBMIT_STATEMENTS, later


def test_a_submit_reads_whether_the_post_is_open_not_its_text(api, post):
    """The post's body and rendered HTML (a whole article) are never read to take a comment."""
    _, sqls = submit(api, 0)
    post_reads = [sql for sql in sqls if sql.startswith("SELECT") and '"blog_post"' in sql]
    assert len(post_reads) == 1
    assert '"body_html"' not in post_reads[0]
    assert '"blog_post"."body"' not in post_reads[0]


def test_a_submit_to_a_closed_post_is_still_refused(api, post):
    """Reading less of the post keeps the rules: a disabled thread answers 403."""
    post.comments_enabled = False
    post.save()
    answer = api.post(
        URL,
        {"author_name": "Ann", "author_email": "ann@example.org", "body": "Hello."},
        format="json",
    )
    assert answer.status_code == 403
    assert not Comment.objects.exists()
