"""A submitted comment is written by one INSERT: the same row, id and history the ORM wrote."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments import services
from comments.models import PATH_STEP, Comment, CommentEvent, Status
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

# Columns that differ between two rows of the same content: the row's own id and path.
OWN = {"id", "thread_path"}


def _stored(pk: int) -> dict[str, Any]:
    """Return the row as the database holds it (raw columns, no field conversion)."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        names = [column[0] for column in cursor.description]
        return {
            name: value
            for name, value in zip(names, cursor.fetchone(), strict=True)
            if name not in OWN
        }


def _submit(post: Any, **changes: Any) -> Comment:
    values: dict[str, Any] = {
        "post": post,
        "author_name": "Ann <b>Élise</b>",
        "author_email": " Ann@Example.org ",
        "author_url": "https://ann.example/",
        "body": "Thanks, the fix *worked*.",
        "context": services.RequestContext(
            ip_address="2001:db8::1", user_agent="Mozilla/5.0", referrer="https://blog/"
        ),
        "without_form_token": True,
    }
    return services.comment_submit(**{**values, **changes}).comment


def test_a_submitted_row_equals_the_row_the_orm_stores(post):
    """Every column, defaults and the address as its field normalises it, as the ORM stores it."""
    context = services.RequestContext(ip_address="2001:DB8:0:0:0:0:0:1", user_agent="UA")
    comment = _submit(post, user=UserFactory(), context=context)
    values = {
        f.attname: getattr(comment, f.attname)
        for f in Comment._meta.concrete_fields
        if f.attname not in OWN
    }
    orm = Comment.objects.create(thread_path="orm", **values)
    assert _stored(comment.pk) == _stored(orm.pk)


def test_the_returned_comment_is_the_saved_one(post):
    """The instance a submit returns reads as saved and holds every column as stored."""
    comment = _submit(post)
    assert not comment._state.adding
    saved = Comment.objects.get(pk=comment.pk)
    for field in Comment._meta.concrete_fields:
        assert getattr(comment, field.attname) == getattr(saved, field.attname), field.name
    assert comment.thread_path == str(comment.pk).zfill(PATH_STEP)
    assert (comment.status, comment.revision, comment.spam_reasons) == (Status.PENDING, 1, [])


def test_a_reply_is_written_under_its_parents_path(post):
    """The path is the parent's plus the reply's own id, written with the row."""
    parent = CommentFactory(post=post, status=Status.APPROVED)
    reply = _submit(post, parent=parent)
    assert reply.thread_path == parent.thread_path + str(reply.pk).zfill(PATH_STEP)
    assert Comment.objects.get(pk=reply.pk).thread_path == reply.thread_path
    assert list(Comment.objects.in_thread_order()) == [parent, reply]


def test_ids_come_from_the_tables_own_sequence(post):
    """Submits and ORM inserts share the ids; a deleted comment's id is never given again."""
    first = _submit(post)
    between = CommentFactory(post=post)
    second = _submit(post, body="Second.")
    assert first.pk < between.pk < second.pk
    Comment.objects.filter(pk=second.pk).delete()
    third = _submit(post, body="Third.")
    assert third.pk > second.pk
    assert CommentFactory(post=post).pk > third.pk


def test_the_history_row_is_the_one_a_status_change_records(post):
    """Who, from, to and why, with no moderator and the time of the submit."""
    comment = _submit(post)
    [event] = CommentEvent.objects.filter(comment=comment)
    assert (event.actor_id, event.actor_label, event.from_status, event.to_status) == (
        None,
        "author",
        "",
        Status.PENDING,
    )
    assert event.reason == "submitted"
    assert comment.created_at <= event.created_at


def test_a_submit_writes_the_comment_with_one_insert(post):
    """No UPDATE follows the INSERT: the thread path is written with the row."""
    with CaptureQueriesContext(connection) as queries:
        _submit(post)
    writes = [q["sql"].split()[0].upper() for q in queries.captured_queries]
    assert "UPDATE" not in writes
    assert writes.count("INSERT") + writes.count("WITH") == 2  # the comment, its history
