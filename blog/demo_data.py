"""Demo comments for `manage.py serve`: approved threads, and a queue with held and spam.

Comments are created through `comments.services` like any other, so their status history
says where they came from. An entry with `status: held` or `status: spam` carries the
score and reasons a moderator would see from the scorer, so the queue shows its work on
first visit; they are stored as already scored, so the worker leaves them alone. Loading
the same file twice adds nothing.
"""

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from blog.models import Post
from comments.models import Comment, Status
from comments.services import comment_set_status, comment_submit

REQUIRED = ("key", "post", "author_name", "author_email", "body")
QUEUE_STATUSES = {"held": Status.PENDING, "spam": Status.SPAM}


def demo_comments_load(*, path: Path) -> int:
    """Create the comments listed in `path` that do not exist yet; return how many."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    by_key: dict[str, Comment] = {}
    created = 0
    for entry in entries:
        _validate(entry, path)
        comment, new = _comment(entry, parent=by_key.get(entry.get("reply_to", "")))
        if comment is not None:
            by_key[entry["key"]] = comment
            created += new
    return created


def _validate(entry: dict[str, Any], path: Path) -> None:
    missing = [name for name in REQUIRED if not entry.get(name)]
    if missing:
        raise ValueError(f"{path}: a demo comment lacks {', '.join(missing)}: {entry!r}")
    status = entry.get("status", "approved")
    if status != "approved" and status not in QUEUE_STATUSES:
        raise ValueError(f"{path}: status {status!r} is not approved, held or spam: {entry!r}")
    if status in QUEUE_STATUSES and ("score" not in entry or not entry.get("reasons")):
        raise ValueError(f"{path}: a {status} demo comment needs score and reasons: {entry!r}")


def _comment(entry: dict[str, Any], *, parent: Comment | None) -> tuple[Comment | None, bool]:
    post = Post.objects.filter(slug=entry["post"]).first()
    if post is None:
        return None, False
    existing = Comment.objects.filter(
        post=post, author_email=entry["author_email"], body_source=entry["body"]
    ).first()
    if existing is not None:
        return existing, False
    if not post.comments_open or (entry.get("reply_to") and parent is None):
        return None, False
    status = entry.get("status", "approved")
    with transaction.atomic():
        submitted = comment_submit(
            post=post,
            parent=parent,
            author_name=entry["author_name"],
            author_email=entry["author_email"],
            author_url=entry.get("author_url", ""),
            body=entry["body"],
            status=Status.APPROVED if status == "approved" else Status.PENDING,
            status_reason="demo data",
        )
        if status in QUEUE_STATUSES:
            _as_scored(submitted.comment, entry, to=QUEUE_STATUSES[status])
    return submitted.comment, True


def _as_scored(comment: Comment, entry: dict[str, Any], *, to: str) -> None:
    """Store the entry's score and reasons as the scorer would, then its status."""
    comment.spam_score = float(entry["score"])
    comment.spam_reasons = [str(reason) for reason in entry["reasons"]]
    comment.scored_at = timezone.now()
    comment.scored_revision = comment.revision
    fields = ["spam_score", "spam_reasons", "scored_at", "scored_revision"]
    reason = f"demo data: score {comment.spam_score:.2f}: {'; '.join(comment.spam_reasons)}"
    if not comment_set_status(
        comment=comment, to=to, actor_label="demo data", reason=reason, also_save=fields
    ):
        comment.save(update_fields=fields)
