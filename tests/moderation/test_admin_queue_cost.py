"""The admin queue answers in the same number of queries whatever the queue's length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.models import Status
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
