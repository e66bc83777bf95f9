"""The Threadkeeper JSON export, written as a stream (docs/export-format.md, and its schema).

One post per line, then one comment per line, so that a reader (ours included) can take
the document a line at a time; it is one valid JSON document all the same. Comments come
in thread order: a reply always after its parent.
"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from blog.models import Post
from comments.models import Comment, CommentEvent

FORMAT = "threadkeeper"
VERSION = 1
NATIVE = "threadkeeper"  # source_system of comments restored from our own export
CHUNK = 1000


def export_lines(*, post_slug: str | None = None, personal_data: bool = True) -> Iterator[str]:
    """Yield the export document in pieces (each ending in a newline)."""
    posts = Post.objects.order_by("published_at", "pk")
    if post_slug is not None:
        posts = posts.filter(slug=post_slug)
    yield json.dumps({"format": FORMAT, "version": VERSION})[:-1] + ', "posts": [\n'
    for number, post in enumerate(posts.iterator(chunk_size=200)):
        header = {
            "slug": post.slug,
            "title": post.title,
            "url": post.url,
            "published_at": iso(post.published_at),
            "comments_enabled": post.comments_enabled,
        }
        yield (
            ("," if number else "")
            + json.dumps(header, ensure_ascii=False)[:-1]
            + ', "comments": [\n'
        )
        first = True
        for comment in _comments(post):
            line = json.dumps(
                comment_record(comment, personal_data=personal_data), ensure_ascii=False
            )
            yield ("" if first else ",") + line + "\n"
            first = False
        yield "]}\n"
    yield "]}\n"


def _comments(post: Post) -> Iterator[Comment]:
    comments = Comment.objects.filter(post=post).order_by("thread_path")
    return comments.prefetch_related("history").iterator(chunk_size=CHUNK)


def comment_record(comment: Comment, *, personal_data: bool = True) -> dict[str, Any]:
    """Return one comment as the export writes it."""
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "status": comment.status,
        "type": comment.type,
        "author_name": comment.author_name,
        "author_email": comment.author_email if personal_data else "",
        "author_url": comment.author_url,
        "ip_address": comment.ip_address if personal_data else None,
        "created_at": iso(comment.created_at),
        "edited_at": iso(comment.edited_at),
        "body_source": comment.body_source,
        "body_html": comment.body_html,
        "source": source_record(comment, personal_data=personal_data),
        "history": [_event(event) for event in comment.history.all()],
    }


def source_record(comment: Comment, *, personal_data: bool = True) -> dict[str, Any] | None:
    """Where an imported comment came from, as the file said it; None if written here."""
    if comment.source_system in ("", NATIVE):
        return None
    return {
        "system": comment.source_system,
        "id": comment.source_id,
        "status": comment.source_status,
        "parent": comment.source_parent,
        "post": comment.source_post,
        # Original fields may hold addresses (commentmeta, Remark42's user): kept out too.
        "extra": comment.source_extra if personal_data else {},
    }


def _event(event: CommentEvent) -> dict[str, Any]:
    return {
        "at": iso(event.created_at),
        "actor": event.actor_label,
        "from": event.from_status,
        "to": event.to_status,
        "reason": event.reason,
    }


def iso(value: datetime | None) -> str | None:
    """Return a UTC ISO 8601 time with a Z, as the export writes every time."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
