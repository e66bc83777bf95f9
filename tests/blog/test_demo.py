"""The demo data `manage.py serve` loads: posts from blog/demo and their approved comments."""

from io import StringIO
from pathlib import Path

import pytest
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
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.APPROVED}
    reply = Comment.objects.filter(parent__isnull=False).first()
    assert reply is not None
    assert reply.thread_path.startswith(reply.parent.thread_path)
    assert list(reply.history.values_list("to_status", "reason")) == [
        ("pending", "submitted"),
        ("approved", "demo data"),
    ]
    html = client.get("/posts/welcome-to-threadkeeper/").content.decode()
    assert html.index("How long does the spam") < html.index("Usually under a second")
