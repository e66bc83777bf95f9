"""The admin queue answers in the same number of queries whatever the queue's length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Comment, Status
from moderation.models import Reputation
from tests.factories import CommentFactory
from tests.moderation.test_admin import QUEUE

pytestmark = pytest.mark.django_db


def queue(post, count: int, start: int) -> None:
    """Queue `count` pending comments, each from an author with a record."""
    for n in range(start, start + count):
        email = f"author{n}@example.org"
        Reputation.objects.create(kind="email", key=email, ham=n, spam=1)
        CommentFactory(post=post, status=Status.PENDING, author_email=email, spam_score=0.5)


def queries_for_queue(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(QUEUE)
    assert answer.status_code == 200
    return len(queries), answer.content.decode()


def test_the_queue_costs_the_same_queries_for_3_or_40_comments(admin_client_, post):
    """Each author's record comes with its row: no query per listed comment."""
    queue(post, 3, 0)
    few, _ = queries_for_queue(admin_client_)
    queue(post, 37, 3)
    many, html = queries_for_queue(admin_client_)
    assert few == many
    assert "39 approved, 1 spam" in html


def test_the_queue_page_is_read_off_an_index_not_sorted(admin_client_, post):
    """The page's rows come in the queue's order from an index: however long the queue,
    the database reads 50 rows instead of sorting every queued comment first."""
    queue(post, 60, 0)  # more than a page: the admin asks for one page of them
    with CaptureQueriesContext(connection) as queries:
        admin_client_.get(QUEUE)
    page = next(q["sql"] for q in queries if "spam_score" in q["sql"] and "LIMIT" in q["sql"])
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET LOCAL enable_sort = off")  # a sort only where nothing else can
        cursor.execute(f"EXPLAIN {page}" if postgres else f"EXPLAIN QUERY PLAN {page}")
        plan = "\n".join(str(row[0] if postgres else row[-1]) for row in cursor.fetchall())
    assert "comment_queue_score" in plan
    assert ("Sort" if postgres else "TEMP B-TREE") not in plan, plan


def test_one_comments_page_shows_its_authors_record(admin_client_, post):
    """Opened on its own, a comment still shows what moderators decided on its author before."""
    queue(post, 1, 7)
    comment = Comment.objects.get()
    page = admin_client_.get(f"/admin/moderation/queuedcomment/{comment.pk}/change/")
    assert "7 approved, 1 spam" in page.content.decode()
