"""The demo data `manage.py serve` loads: posts, approved threads, a queue, a moderator."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from blog.demo_data import demo_comments_load
from blog.models import Post
from comments.models import Comment, Status

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "blog" / "demo"


def load_demo() -> int:
    call_command("import_posts", str(DEMO), stdout=StringIO(), stderr=StringIO())
    return demo_comments_load(path=DEMO / "comments.yaml")


def test_every_demo_file_imports_cleanly():
    """All demo posts import without a skip, with their WordPress id and settings."""
    out = StringIO()
    call_command("import_posts", str(DEMO), stdout=out, stderr=StringIO())

    assert "created 4, updated 0, unchanged 0, skipped 0" in out.getvalue()
    assert Post.objects.get(slug="moderating-without-burnout").extra["wordpress_id"] == 4127
    assert Post.objects.get(slug="office-hours-move").comments_enabled is False
    assert Post.objects.get(slug="privacy-policy-feedback").moderation_mode == "pre"


def test_demo_comments_are_approved_through_the_services_once(client):
    """Demo comments appear approved, replies after parents, and a second load adds none."""
    added = load_demo()

    assert added == Comment.objects.count() > 0
    assert load_demo() == 0
    assert set(Comment.objects.values_list("status", flat=True)) == {
        Status.APPROVED,
        Status.PENDING,
        Status.SPAM,
    }
    reply = Comment.objects.filter(parent__isnull=False).first()
    assert reply is not None
    assert reply.thread_path.startswith(reply.parent.thread_path)
    assert list(reply.history.values_list("to_status", "reason")) == [
        ("pending", "submitted"),
        ("approved", "demo data"),
    ]
    html = client.get("/posts/welcome-to-threadkeeper/").content.decode()
    assert html.index("How long does the spam") < html.index("Usually under a second")


def test_demo_queue_holds_and_marks_spam_with_scores_and_reasons():
    """The queue opens on held comments and spam, each scored, with the scorer's reasons."""
    load_demo()

    queue = Comment.objects.exclude(status=Status.APPROVED)
    assert queue.filter(status=Status.PENDING).count() >= 2
    assert queue.filter(status=Status.SPAM).count() >= 2
    for comment in queue:
        assert comment.spam_score is not None, comment
        assert comment.spam_reasons, comment
        assert comment.scored_revision == comment.revision  # the worker leaves it alone
    assert not Comment.objects.unscored().exists()  # and so does the sweep
    spam = queue.filter(status=Status.SPAM).first()
    assert spam is not None
    assert spam.history.last().reason.startswith("demo data: score")


def test_demo_moderator_keeps_its_password_on_a_later_run():
    """A second run prints the same token and how to reset the password, changing nothing."""
    first, second = StringIO(), StringIO()
    call_command("demo_moderator", stdout=first)
    password_hash = User.objects.get(username="moderator").password
    call_command("demo_moderator", stdout=second)

    assert User.objects.get(username="moderator").password == password_hash
    assert "password '" in first.getvalue()
    assert "password '" not in second.getvalue()
    assert "python manage.py changepassword moderator" in second.getvalue()
    token_line = [line for line in first.getvalue().splitlines() if "export TOKEN=" in line]
    assert token_line
    assert token_line[0] in second.getvalue()
    user = User.objects.get(username="moderator")
    assert user.is_staff
    assert user.groups.filter(name="moderators").exists()
    assert user.has_perm("webhooks.manage_webhooks")  # README's webhook example works
