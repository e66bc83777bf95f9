"""Demo comments for `manage.py serve`: a few approved comments and replies from a YAML file.

Comments are created through `comments.services` like any other, so their status history
says where they came from. Loading the same file twice adds nothing.
"""

from pathlib import Path
from typing import Any

import yaml

from blog.models import Post
from comments.models import Comment, Status
from comments.services import comment_submit

REQUIRED = ("key", "post", "author_name", "author_email", "body")


def demo_comments_load(*, path: Path) -> int:
    """Submit and approve the comments listed in `path`; return how many were new."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    by_key: dict[str, Comment] = {}
    created = 0
    for entry in entries:
        missing = [name for name in REQUIRED if not entry.get(name)]
        if missing:
            raise ValueError(f"{path}: a demo comment lacks {', '.join(missing)}: {entry!r}")
        comment, new = _comment(entry, parent=by_key.get(entry.get("reply_to", "")))
        if comment is not None:
            by_key[entry["key"]] = comment
            created += new
    return created


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
    submitted = comment_submit(
        post=post,
        parent=parent,
        author_name=entry["author_name"],
        author_email=entry["author_email"],
        author_url=entry.get("author_url", ""),
        body=entry["body"],
        status=Status.APPROVED,
        status_reason="demo data",
    )
    return submitted.comment, True
