"""Importing a Disqus XML export: flags to statuses, parents by dsq:id, unknown threads."""

import pytest

from blog.models import Post
from comments.models import Comment, Status
from tests.comments.porting.conftest import FIXTURES, db_counts, run_import
from tests.factories import PostFactory

DISQUS = FIXTURES / "disqus.xml"


@pytest.fixture
def wp_post(db: None) -> Post:
    return PostFactory(slug="moderating-without-burnout", extra={"wordpress_id": 4127})


def test_report_counts_equal_the_file_and_the_database(wp_post: Post) -> None:
    """Seven posts: four approved, one spam, one deleted, one held; all but the lost one saved."""
    report = run_import(DISQUS, "--create-posts")
    assert report["format"] == "disqus"
    assert report["comments"] == 7
    assert report["by_status"] == {"approved": 4, "pending": 1, "removed": 1, "spam": 1}
    assert report["by_type"] == {"comment": 7}
    assert report["threads"] == {"matched": 1, "created": 1, "unmatched": 1}
    assert db_counts("status") == {"approved": 3, "pending": 1, "removed": 1, "spam": 1}


def test_the_wordpress_plugin_identifier_matches_the_post(wp_post: Post) -> None:
    """Thread id "4127 https://…/?p=4127" finds the post whose wordpress_id is 4127."""
    run_import(DISQUS)
    assert wp_post.comments.count() == 5


def test_a_reply_before_its_parent_is_threaded(wp_post: Post) -> None:
    """Post 9002 names 9001 as parent though it comes first."""
    run_import(DISQUS)
    reply = Comment.objects.get(source_id="9002")
    assert reply.parent == Comment.objects.get(source_id="9001")
    assert reply.thread_path.startswith(reply.parent.thread_path)


def test_a_post_whose_thread_is_missing_is_reported_not_lost_silently(wp_post: Post) -> None:
    """Thread 7777 is listed as unmatched with its one comment."""
    report = run_import(DISQUS)
    lost = [t for t in report["unmatched_threads"] if t["key"] == "7777"]
    assert lost == [{"key": "7777", "title": "(thread not in the file)", "url": "", "comments": 1}]


def test_flags_and_html_are_kept_and_cleaned(wp_post: Post) -> None:
    """Original flags stay in the source; the HTML is sanitized, the original kept."""
    run_import(DISQUS)
    top = Comment.objects.get(source_id="9001")
    assert top.author_name == "Ann & Co \u2019s"
    assert "<script" not in top.body_html
    assert "onerror" not in top.body_html
    assert "<script>" in top.body_source
    assert top.source_extra["author_username"] == "ann"
    assert Comment.objects.get(source_id="9004").status == Status.REMOVED


def test_create_posts_keeps_a_closed_thread_closed(wp_post: Post) -> None:
    """Thread 5002 says isClosed: its new post takes no comments."""
    run_import(DISQUS, "--create-posts")
    assert not Post.objects.get(slug="a-closed-one").comments_enabled


def test_running_it_again_creates_nothing(wp_post: Post) -> None:
    """Idempotent: the unique (disqus, dsq:id) key."""
    run_import(DISQUS)
    assert run_import(DISQUS)["created"] == 0
