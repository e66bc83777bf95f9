"""Imported comments are written as plain rows: the same row the ORM stores, on every backend."""

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

from blog.models import Post
from comments import services
from comments.comment_rows import ImportedComment, columns_left_to_defaults
from comments.models import Comment, CommentEvent, Status
from comments.porting.writer import BATCH_SIZE
from comments.services import ImportedEvent, comments_import
from tests.comments.porting.conftest import run_import
from tests.factories import CommentFactory, PostFactory

PLUS_TWO = timezone(timedelta(hours=2))
# Columns that differ between two rows of the same content: the row's own id and path,
# and the idempotency key.
OWN = {"id", "thread_path", "source_id"}


def _row(post: Post, **changes: Any) -> ImportedComment:
    values: dict[str, Any] = {
        "post_id": post.pk,
        "parent_id": None,
        "depth": 0,
        "type": "pingback",
        "author_name": "Ann Élise",
        "author_email": "ann@example.org",
        "author_url": "https://ann.example/",
        "avatar_hash": "0123456789abcdef0123456789abcdef",
        "body_source": "Hello <b>there</b>",
        "body_html": "<p>Hello <b>there</b></p>",
        "status": Status.SPAM,
        "ip_address": "2001:DB8:0:0:0:0:0:1",
        "ip_network": "2001:db8::/64",
        "user_agent": "Mozilla/5.0",
        "created_at": datetime(2015, 3, 4, 5, 6, 7, 890123, tzinfo=PLUS_TWO),
        "edited_at": datetime(2016, 1, 2, 3, 4, 5, tzinfo=UTC),
        "source_system": "wordpress",
        "source_id": "41",
        "source_status": "spam",
        "source_parent": "",
        "source_post": "4127",
        "source_extra": {"commentmeta": [{"meta_key": "akismet", "meta_value": "true"}], "n": 1},
    }
    return ImportedComment(**{**values, **changes})


def _stored(pk: int) -> dict[str, Any]:
    """Return the row as the database holds it (raw columns, no field conversion)."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


def _without_own(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name not in OWN}


def test_an_imported_row_equals_the_row_the_orm_stores(db: None) -> None:
    """Times with their zone, the IP as the field normalises it, JSON, and every default."""
    post = PostFactory()
    row = _row(post)
    event = ImportedEvent(at=row.created_at, to_status=Status.SPAM, reason="imported")
    [pk] = comments_import(comments=[row], histories=[[event]])
    fields = _values(_row(post, source_id="orm", thread_path="orm"))
    orm = Comment.objects.create(
        **{name: value for name, value in fields.items() if name not in ("id", "parent_path")}
    )
    imported, created = _stored(pk), _stored(orm.pk)
    assert _without_own(imported) == _without_own(created)
    saved = Comment.objects.get(pk=pk)
    assert saved.created_at == datetime(2015, 3, 4, 3, 6, 7, 890123, tzinfo=UTC)
    assert saved.ip_address == "2001:db8::1"
    assert saved.source_extra == row.source_extra
    assert (saved.revision, saved.spam_reasons, saved.referrer) == (1, [], "")
    assert saved.thread_path == str(pk).zfill(10)


def _values(row: ImportedComment) -> dict[str, Any]:
    return {name: getattr(row, name) for name in row.__slots__}


def test_a_reply_is_written_under_its_parents_path(db: None) -> None:
    """The path is the parent's plus the reply's own id, as a submitted reply's is."""
    parent = CommentFactory()
    row = _row(parent.post, parent_id=parent.pk, depth=1, parent_path=parent.thread_path)
    [pk] = comments_import(
        comments=[row], histories=[[ImportedEvent(at=row.created_at, to_status="spam", reason="")]]
    )
    reply = Comment.objects.get(pk=pk)
    assert reply.thread_path == parent.thread_path + str(pk).zfill(10)
    assert list(Comment.objects.in_thread_order()) == [parent, reply]
    assert CommentEvent.objects.get(comment=reply).to_status == Status.SPAM


def test_every_comment_field_is_written_or_has_a_default() -> None:
    """A new required field the import does not set stops it, instead of a silent blank."""
    assert columns_left_to_defaults(Comment._meta.concrete_fields)
    language = models.CharField(max_length=5)
    language.set_attributes_from_name("language")
    with pytest.raises(ImproperlyConfigured, match=r"Comment\.language has no default"):
        columns_left_to_defaults([*Comment._meta.concrete_fields, language])


def _export(path: Path, comments: int) -> Path:
    """Write a WXR file of one post: every fourth comment a reply to the one before it."""
    items = []
    for number in range(1, comments + 1):
        parent = number - 1 if number % 4 == 0 else 0
        items.append(
            f"<wp:comment><wp:comment_id>{number}</wp:comment_id>"
            f"<wp:comment_author>Reader {number % 7}</wp:comment_author>"
            f"<wp:comment_author_IP>198.51.100.{number % 250}</wp:comment_author_IP>"
            f"<wp:comment_date_gmt>2015-01-01 12:00:00</wp:comment_date_gmt>"
            f"<wp:comment_content>Comment {number}</wp:comment_content>"
            f"<wp:comment_approved>1</wp:comment_approved>"
            f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
        )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>Big</title>'
        "<wp:post_id>7</wp:post_id><wp:post_name>big</wp:post_name>"
        + "\n".join(items)
        + "</item></channel></rss>\n"
    )
    return path


def test_an_import_broken_off_mid_way_finishes_when_run_again(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash in the second batch keeps the first; the re-run writes the rest, once each."""
    export = _export(tmp_path / "big.xml", 4500)
    real_insert, written = services.comments_insert, []

    def crash_on_the_second_batch(rows: list[ImportedComment]) -> None:
        if len(written) >= BATCH_SIZE:
            raise RuntimeError("the server went away")
        real_insert(rows)
        written.extend(rows)

    monkeypatch.setattr(services, "comments_insert", crash_on_the_second_batch)
    with pytest.raises(RuntimeError):
        run_import(export, "--create-posts")
    first = Comment.objects.count()
    assert first == BATCH_SIZE
    monkeypatch.undo()
    report = run_import(export, "--create-posts")
    assert (report["existing"], report["created"]) == (first, 4500 - first)
    again = run_import(export, "--create-posts")
    assert (again["existing"], again["created"]) == (4500, 0)
    assert Comment.objects.count() == 4500
    assert CommentEvent.objects.count() == 4500
    paths = dict(Comment.objects.values_list("pk", "thread_path"))
    for pk, parent_id, path in Comment.objects.values_list("pk", "parent_id", "thread_path"):
        assert path == (paths[parent_id] if parent_id else "") + str(pk).zfill(10)
    assert Comment.objects.filter(parent__isnull=False).count() == 4500 // 4
