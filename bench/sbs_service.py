"""Helpers the side-by-side runner calls in the service's own environment (a subprocess).

    python bench/sbs_service.py seed COMMENTS      migrate; the read post with COMMENTS approved
    python bench/sbs_service.py verdicts SINCE     submit → verdict times of the write post (JSON)
    python bench/sbs_service.py unscored SINCE     how many of those still wait for a verdict
    python bench/sbs_service.py filler ROWS        ROWS approved comments on other posts

The read post's thread is written through the production sanitizer, nested as readers
reply (every fourth comment answers an earlier one); the write post takes the POST load.
"""

import json
import os
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
READ_SLUG = "bench-read"
WRITE_SLUG = "bench-write"


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")
    import django

    django.setup()


def seed(count: int) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from blog.models import Post
    from comments.models import Comment, Status

    call_command("migrate", verbosity=0, interactive=False)
    now = timezone.now()
    for slug in (READ_SLUG, WRITE_SLUG):
        Post.objects.get_or_create(
            slug=slug,
            defaults={"title": slug, "body": "Bench post.", "published_at": now},
        )
    post = Post.objects.get(slug=READ_SLUG)
    if Comment.objects.filter(post=post).exists():
        return
    with transaction.atomic():
        made: list[Comment] = []
        for n in range(count):
            parent = made[n // 2] if n % 4 == 3 and made[n // 2].depth < 5 else None
            made.append(_approved(post, n, parent, Comment, Status))
        Post.objects.filter(pk=post.pk).update(comments_changed_at=timezone.now())


def _approved(post, n, parent, comment_model, status):  # type: ignore[no-untyped-def]
    from comments import sanitize
    from comments.tokens import avatar_hash

    body = f"Comment {n}: thanks for the *write-up*, see https://example.org/{n} too.\n\nIt worked."
    email = f"reader{n % 37}@example.org"
    comment = comment_model.objects.create(
        post=post,
        parent=parent,
        depth=parent.depth + 1 if parent else 0,
        thread_path=f"seed:{n}",
        author_name=f"Reader {n % 37}",
        author_email=email,
        author_url="https://example.org/" if n % 3 == 0 else "",
        avatar_hash=avatar_hash(email),
        body_source=body,
        body_html=sanitize.render_comment(body),
        status=status.APPROVED,
    )
    comment.thread_path = (parent.thread_path if parent else "") + str(comment.pk).zfill(10)
    comment_model.objects.filter(pk=comment.pk).update(thread_path=comment.thread_path)
    return comment


def filler(rows: int) -> None:
    """Add `rows` approved comments spread over 100 other posts (the scaling check)."""
    from django.utils import timezone

    from blog.models import Post
    from comments.models import Comment, Status

    posts = [
        Post.objects.get_or_create(
            slug=f"filler-{n}", defaults={"title": "f", "published_at": timezone.now()}
        )[0]
        for n in range(100)
    ]
    start = (Comment.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    batch = [
        Comment(
            post=posts[n % 100],
            thread_path=f"f{start + n:012d}",
            author_name="Filler",
            author_email=f"f{n % 1000}@example.org",
            body_source="filler",
            body_html="<p>filler</p>",
            status=Status.APPROVED,
        )
        for n in range(rows)
    ]
    Comment.objects.bulk_create(batch, batch_size=2000)


def verdicts(since: str) -> None:
    """Print the submit → verdict seconds of write-post comments created after `since`."""
    from comments.models import Comment

    rows = Comment.objects.filter(
        post__slug=WRITE_SLUG, created_at__gte=datetime.fromisoformat(since)
    ).values_list("created_at", "scored_at")
    waits = sorted((s - c).total_seconds() for c, s in rows if s is not None)
    unscored = sum(1 for _, s in rows if s is None)
    print(json.dumps({"waits": waits, "unscored": unscored}))


def unscored(since: str) -> None:
    """Print how many write-post comments created after `since` still wait for a verdict."""
    from comments.models import Comment

    print(
        Comment.objects.filter(
            post__slug=WRITE_SLUG,
            created_at__gte=datetime.fromisoformat(since),
            scored_at__isnull=True,
        ).count()
    )


def main() -> None:
    setup()
    command, value = sys.argv[1], sys.argv[2]
    commands = {
        "seed": lambda: seed(int(value)),
        "verdicts": lambda: verdicts(value),
        "unscored": lambda: unscored(value),
        "filler": lambda: filler(int(value)),
    }
    commands[command]()


if __name__ == "__main__":
    main()
