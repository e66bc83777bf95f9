"""Importing a WordPress WXR export: every comment, its status, type, thread and source."""

from functools import partial
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from rest_framework.test import APIClient

from blog.models import Post
from comments.models import Comment, Status
from tests.comments.porting.conftest import FIXTURES, db_counts, run_import
from tests.factories import PostFactory

WXR = FIXTURES / "wordpress.xml"


@pytest.fixture
def wp_post(db: None) -> Post:
    """The post as import_posts makes it from the Markdown (wordpress_id in its extras)."""
    return PostFactory(slug="moderating-without-burnout", extra={"wordpress_id": 4127})


def test_report_counts_equal_the_file_and_the_database(wp_post: Post) -> None:
    """Every comment of the matched thread is saved with its mapped status and type."""
    report = run_import(WXR)
    assert report["comments"] == 12
    assert report["by_status"] == {"approved": 5, "pending": 5, "rejected": 1, "spam": 1}
    assert report["by_type"] == {"comment": 10, "pingback": 1, "trackback": 1}
    assert report["threads"] == {"matched": 1, "created": 0, "unmatched": 1}
    assert report["created"] == 10
    assert report["not_imported"] == 2
    assert db_counts("status") == {"approved": 3, "pending": 5, "rejected": 1, "spam": 1}
    assert db_counts("type") == {"comment": 8, "pingback": 1, "trackback": 1}


def test_unknown_statuses_are_kept_reported_and_held(wp_post: Post) -> None:
    """'' and post-trashed are held as pending, the original status kept and reported."""
    report = run_import(WXR)
    assert report["unknown_statuses"] == {"": 2, "post-trashed": 1}
    trashed = Comment.objects.get(source_id="18")
    assert (trashed.status, trashed.source_status) == (Status.PENDING, "post-trashed")


def test_a_reply_before_its_parent_is_threaded_after_it(wp_post: Post) -> None:
    """Comment 12 comes first in the file but is saved under 11, and 13 under 12."""
    run_import(WXR)
    parent, reply, nested = (Comment.objects.get(source_id=i) for i in ("11", "12", "13"))
    assert reply.parent == parent
    assert nested.parent == reply
    assert nested.depth == 2
    ordered = list(Comment.objects.in_thread_order().values_list("source_id", flat=True))
    assert ordered.index("11") < ordered.index("12") < ordered.index("13")


def test_a_missing_parent_makes_an_orphan_top_level(wp_post: Post) -> None:
    """Comment 19 answers comment 999, which the file does not hold."""
    report = run_import(WXR)
    orphan = Comment.objects.get(source_id="19")
    assert report["orphans"] == 1
    assert (orphan.parent, orphan.depth, orphan.source_parent) == (None, 0, "999")


def test_source_fields_keep_what_the_model_has_no_column_for(wp_post: Post) -> None:
    """The commentmeta (Akismet's history) and the local date stay in source_extra."""
    run_import(WXR)
    comment = Comment.objects.get(source_id="11")
    assert comment.source_system == "wordpress"
    assert comment.source_post == "4127"
    assert comment.source_extra["commentmeta"][0]["meta_key"] == "akismet_history"
    assert comment.author_name == "Ann & Co \u2019s <team>"
    assert comment.ip_address == "198.51.100.7"
    assert comment.created_at.isoformat() == "2026-10-28T19:00:00+00:00"


def test_html_is_sanitized_and_the_original_kept(wp_post: Post) -> None:
    """Nothing executable survives; the original HTML is the body source."""
    run_import(WXR)
    comment = Comment.objects.get(source_id="11")
    for bad in ("<script", "javascript:", "onclick", "<iframe", "style=", "<img"):
        assert bad not in comment.body_html
    assert '<a href="https://example.org"' in comment.body_html
    assert "<script>alert(1)</script>" in comment.body_source


def test_non_ascii_and_the_bare_comment_arrive_intact(wp_post: Post) -> None:
    """Names and bodies keep every character; a comment with only id, author, content is kept."""
    run_import(WXR)
    assert Comment.objects.get(source_id="13").author_name == "Zoë Łukasiewicz 東京"
    assert "日本語 🎉" in Comment.objects.get(source_id="13").body_html
    bare = Comment.objects.get(source_id="20")
    assert (bare.author_name, bare.status, bare.author_email) == ("Bare", Status.PENDING, "")


def forgets_thread_stamps(callback: object) -> bool:
    """Whether an on-commit callback only forgets cached thread stamps (nothing queued)."""
    return isinstance(callback, partial) and callback.func.__module__ == "comments.stamps"


def test_history_says_imported_and_nothing_is_queued(
    wp_post: Post, django_capture_on_commit_callbacks: object
) -> None:
    """No scoring, learning, mail or webhook is queued; the sweep leaves them alone."""
    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        run_import(WXR)
    assert [c for c in callbacks if not forgets_thread_stamps(c)] == []
    event = Comment.objects.get(source_id="14").history.get()
    assert (event.to_status, event.actor_label) == (Status.SPAM, "import")
    assert event.reason.startswith("imported from WordPress")
    assert not Comment.objects.unscored().exists()


def test_running_it_again_creates_nothing(wp_post: Post) -> None:
    """The second run reads the same file, finds every comment already there."""
    first = run_import(WXR)
    second = run_import(WXR)
    assert (second["created"], second["existing"]) == (0, first["created"])
    assert second["by_status"] == first["by_status"]
    assert Comment.objects.count() == 10


def test_dry_run_reports_the_same_and_writes_nothing(wp_post: Post) -> None:
    """--dry-run prints the report of a real run, with nothing saved."""
    dry = run_import(WXR, "--dry-run", "--create-posts")
    assert Comment.objects.count() == 0
    assert Post.objects.count() == 1
    real = run_import(WXR, "--create-posts")
    assert {**dry, "dry_run": False} == real


def test_create_posts_makes_the_unmatched_thread_a_closed_post(wp_post: Post) -> None:
    """The export's title, date and closed comments become the new post's."""
    report = run_import(WXR, "--create-posts")
    assert report["threads"] == {"matched": 1, "created": 1, "unmatched": 0}
    post = Post.objects.get(slug="gone")
    assert post.title == "A post that is not on the new site"
    assert not post.comments_enabled
    assert post.url == "https://oldblog.example.org/2010/01/01/gone/"
    assert post.comments.count() == 2


def test_map_file_sends_a_thread_to_a_post(wp_post: Post, tmp_path: Path) -> None:
    """A CSV row (old address → slug) matches a thread nothing else matches."""
    PostFactory(slug="renamed")
    mapping = tmp_path / "map.csv"
    mapping.write_text("old,slug\n/2010/01/01/gone,renamed\n")
    report = run_import(WXR, "--map", str(mapping))
    assert report["threads"]["unmatched"] == 0
    assert Post.objects.get(slug="renamed").comments.count() == 2


def test_old_url_path_matches_a_post(db: None) -> None:
    """A post whose front matter kept the old address gets that thread's comments."""
    PostFactory(slug="x", url="/2026/10/28/moderating-without-burnout/")
    report = run_import(WXR)
    assert report["threads"]["matched"] == 1


def test_slug_matches_a_post(db: None) -> None:
    """Without wordpress_id or url, the WordPress post_name finds the post by slug."""
    PostFactory(slug="moderating-without-burnout")
    assert run_import(WXR)["threads"]["matched"] == 1


def test_undeclared_atom_prefix_is_declared_and_reported(wp_post: Post) -> None:
    """The fixture uses atom: without declaring it, as WordPress.com exports did."""
    report = run_import(WXR)
    assert report["repairs"]["declared the undeclared 'atom:' namespace prefix"] == 1


def test_https_namespace_and_wxr_1_0_are_read(wp_post: Post, tmp_path: Path) -> None:
    """The same export under https://wordpress.org/export/1.0/ gives the same counts."""
    older = tmp_path / "old.xml"
    older.write_text(
        WXR.read_text().replace(
            "http://wordpress.org/export/1.2/", "https://wordpress.org/export/1.0/"
        )
    )
    assert run_import(older)["created"] == 10


def test_a_truncated_file_stops_with_the_line_and_a_rerun_finishes(
    wp_post: Post, tmp_path: Path
) -> None:
    """What came before the break is saved and said; the full file then adds the rest."""
    text = WXR.read_text()
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.index("<wp:comment_id>16")])
    with pytest.raises(CommandError, match=r"line \d+: the file is not well-formed XML") as err:
        run_import(cut)
    assert "comments before it are saved" in str(err.value)
    assert "Traceback" not in str(err.value)
    report = run_import(WXR)
    assert report["existing"] + report["created"] == 10
    assert Comment.objects.count() == 10


def test_entity_expansion_is_refused(db: None, tmp_path: Path) -> None:
    """A billion-laughs file is refused before any expansion."""
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel>&b;</channel></rss>'
    )
    with pytest.raises(CommandError, match="refused for safety"):
        run_import(bomb, "--format", "wxr")


def test_an_unknown_file_says_which_formats_are_known(db: None, tmp_path: Path) -> None:
    """A CSV is not an export: the error names the formats and --format."""
    odd = tmp_path / "comments.csv"
    odd.write_text("a,b\n1,2\n")
    with pytest.raises(CommandError, match="--format"):
        run_import(odd)


def test_pingbacks_are_shown_only_when_the_setting_says(wp_post: Post) -> None:
    """An approved pingback is kept but left out of the public thread by default."""
    run_import(WXR)
    assert not Comment.objects.shown().filter(type="pingback").exists()
    with override_settings(COMMENTS={"SHOW_PINGBACKS": True}):
        assert Comment.objects.shown().filter(type="pingback").count() == 1


def test_turning_pingbacks_on_shows_them_in_a_thread_read_before(
    wp_post: Post, api: APIClient
) -> None:
    """A thread page kept from before the setting changed is not served after it."""
    run_import(WXR)
    address = f"/api/v1/posts/{wp_post.slug}/comments/"
    before = api.get(address).json()["results"]
    with override_settings(COMMENTS={"SHOW_PINGBACKS": True}):
        after = api.get(address).json()["results"]
    assert len(after) == len(before) + 1
    assert api.get(address).json()["results"] == before


def small_wxr(
    tmp_path: Path, comments: list[tuple[str, str]], *, post: str = "4127", name: str = "small"
) -> Path:
    """A WXR with one post (wordpress_id `post`) and comments given as (id, parent)."""
    body = "".join(
        f"<wp:comment>{f'<wp:comment_id>{cid}</wp:comment_id>' if cid else ''}"
        f"<wp:comment_author>A</wp:comment_author><wp:comment_content>c{n}</wp:comment_content>"
        f"<wp:comment_approved>1</wp:comment_approved>"
        f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>"
        for n, (cid, parent) in enumerate(comments)
    )
    path = tmp_path / f"{name}.xml"
    path.write_text(
        '<rss xmlns:wp="http://wordpress.org/export/1.1/"><channel><item>'
        f"<title>T</title><wp:post_id>{post}</wp:post_id>{body}</item></channel></rss>"
    )
    return path


FIRST_BLOG = [("1", "0"), ("2", "1"), ("4", "0")]


def second_blog(tmp_path: Path) -> Path:
    """Another WordPress blog's export: its comment ids 1, 2 and 4 are the first blog's too."""
    comments = [("1", "0"), ("2", "1"), ("3", "0"), ("4", "3")]
    return small_wxr(tmp_path, comments, post="77", name="second")


def test_a_second_blogs_comments_with_the_same_ids_are_reported_not_merged(
    wp_post: Post, tmp_path: Path
) -> None:
    """Ids taken by comments on other posts are another site's: skipped and said so."""
    run_import(small_wxr(tmp_path, FIRST_BLOG))
    out = StringIO()
    call_command("import_comments", str(second_blog(tmp_path)), "--create-posts", stdout=out)
    assert "3 comments have the ids of comments imported earlier onto other posts" in out.getvalue()
    assert "created 1, 0 already imported, 3 with ids taken (below)" in out.getvalue()
    assert "--site NAME" in out.getvalue()
    assert Comment.objects.filter(post=wp_post).count() == 3
    assert Comment.objects.exclude(post=wp_post).count() == 1


def test_a_site_name_keeps_a_second_blogs_ids_apart(wp_post: Post, tmp_path: Path) -> None:
    """Under --site every comment arrives, replies under their own parents, once only."""
    run_import(small_wxr(tmp_path, FIRST_BLOG))
    second = second_blog(tmp_path)
    first_try = run_import(second, "--create-posts")  # only "3": its id is free
    assert (first_try["created"], first_try["clashes"]) == (1, 3)
    apart = run_import(second, "--create-posts", "--site", "oldblog")
    again = run_import(second, "--create-posts", "--site", "oldblog")
    assert (apart["created"], apart["existing"], apart["clashes"]) == (3, 1, 0)
    assert (again["created"], again["existing"]) == (0, 4)
    theirs = Comment.objects.exclude(post=wp_post)
    parents = {c.source_id: c.parent.source_id if c.parent else None for c in theirs}
    # "3" came in before the site had a name: it is not made twice, and its reply finds it
    assert parents == {"oldblog:1": None, "oldblog:2": "oldblog:1", "3": None, "oldblog:4": "3"}
    assert Comment.objects.filter(post=wp_post).count() == 3


def test_a_site_name_longer_than_the_column_is_refused(wp_post: Post, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--site: at most 50 characters"):
        run_import(second_blog(tmp_path), "--site", "x" * 51)


def test_replies_to_an_orphan_stay_under_it(wp_post: Post, tmp_path: Path) -> None:
    """Only the comment whose parent is missing goes top-level; its replies keep their place."""
    report = run_import(small_wxr(tmp_path, [("3", "2"), ("2", "1"), ("4", "3")]))
    assert report["orphans"] == 1
    depths = dict(Comment.objects.values_list("source_id", "depth"))
    assert depths == {"2": 0, "3": 1, "4": 2}


def test_a_comment_without_an_id_gets_a_stable_one(wp_post: Post, tmp_path: Path) -> None:
    """The derived id is the same on the next run, so nothing is imported twice."""
    path = small_wxr(tmp_path, [("", "0"), ("7", "0")])
    first = run_import(path)
    second = run_import(path)
    assert first["created"] == 2
    assert second["created"] == 0
    assert first["repairs"]["no comment id (one derived from thread, author, date and text)"]


def test_the_same_id_twice_is_saved_once_and_reported(wp_post: Post, tmp_path: Path) -> None:
    """Two comments claiming id 5: the first is kept, the repair is counted."""
    report = run_import(small_wxr(tmp_path, [("5", "0"), ("5", "0")]))
    assert report["comments"] == 2
    assert report["created"] == 1
    assert report["repairs"]["the same comment id twice in the file (the second skipped)"] == 1


def test_a_reply_loop_is_broken_not_lost(wp_post: Post, tmp_path: Path) -> None:
    """Comments naming each other as parent are both saved, as orphans."""
    report = run_import(small_wxr(tmp_path, [("8", "9"), ("9", "8")]))
    assert report["created"] == 2
    assert report["orphans"] == 2


def test_replies_deeper_than_max_depth_are_kept(wp_post: Post, tmp_path: Path) -> None:
    """Imported history is not refused: a chain of ten stays ten levels deep."""
    chain = [(str(n), str(n - 1) if n > 1 else "0") for n in range(1, 11)]
    run_import(small_wxr(tmp_path, chain))
    assert max(Comment.objects.values_list("depth", flat=True)) == 9
    ordered = list(Comment.objects.in_thread_order().values_list("source_id", flat=True))
    assert ordered == [str(n) for n in range(1, 11)]
