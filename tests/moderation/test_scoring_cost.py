"""What a verdict costs the database: scoring and its events take a fixed set of statements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Status
from comments.notify.services import notify_on_event
from moderation.events import event_fan_out
from moderation.services import comment_score
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

# The comment under its lock, reputations, blocklist, the model's stamp, the breaker's
# traffic; then the verdict, its history row, the post's change stamp.
SCORE_STATEMENTS = 8
SKIPPED = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "SET LOCAL")


def statements(queries: CaptureQueriesContext) -> list[str]:
    sqls = [query["sql"] for query in queries.captured_queries]
    return [sql for sql in sqls if not sql.upper().startswith(SKIPPED)]


def pending(post, **fields: object):
    return CommentFactory(
        post=post,
        status=Status.PENDING,
        body_source="A thoughtful comment about the post.",
        body_html="<p>A thoughtful comment about the post.</p>",
        ip_address="198.51.100.7",
        ip_network="198.51.100.0/24",
        **fields,
    )


def test_scoring_a_comment_takes_a_fixed_number_of_statements(post):
    """Eight statements per verdict, for the first comment and after many others."""
    comment_score(comment_id=pending(post).pk, revision=1)  # the model is loaded once
    other = PostFactory()  # as many on this post would trip its breaker
    CommentFactory.create_batch(30, post=other, status=Status.APPROVED)
    comment = pending(post)
    with CaptureQueriesContext(connection) as queries:
        decision = comment_score(comment_id=comment.pk, revision=comment.revision)
    assert decision == "approve"
    assert len(statements(queries)) == SCORE_STATEMENTS, statements(queries)


def test_an_approval_nobody_awaits_costs_reader_mail_one_narrow_read(post):
    """A scorer's approval of a top-level comment: nobody to mail, found in one small query."""
    comment = CommentFactory(post=post, status=Status.APPROVED)
    with CaptureQueriesContext(connection) as queries:
        notify_on_event(comment_id=comment.pk, event="comment.approved")
    [sql] = statements(queries)
    assert '"body_html"' not in sql


def test_the_created_event_reads_only_the_webhook_endpoints(post):
    """`comment.created` has one receiver that reads anything: the webhooks' endpoints."""
    comment = pending(post)
    with CaptureQueriesContext(connection) as queries:
        assert event_fan_out(comment_id=comment.pk, event="comment.created") == 3
    assert len(statements(queries)) == 1
