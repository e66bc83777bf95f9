"""`import_posts`: front matter as Hugo, Jekyll, Eleventy and WordPress exporters write it."""

from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from blog.importer import Outcome, post_import_file, posts_import_dir
from blog.models import Post

pytestmark = pytest.mark.django_db


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(folder: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_posts", str(folder), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def terms(post: Post) -> tuple[list[str], list[str]]:
    return (
        sorted(post.categories.values_list("name", flat=True)),
        sorted(post.tags.values_list("name", flat=True)),
    )


VARIANTS = [
    pytest.param(
        "_posts/2011-12-05-hello-jekyll.md",
        "---\nlayout: post\ntitle: Hello Jekyll\ndate: 2011-12-05 12:15:00 -0500\n"
        "categories: Announcements\ntags: [a, b]\n---\nBody *here*.\n",
        {
            "slug": "hello-jekyll",
            "title": "Hello Jekyll",
            "published_at": datetime(2011, 12, 5, 17, 15, tzinfo=UTC),
        },
        id="jekyll-date-string-with-offset",
    ),
    pytest.param(
        "2020-03-04-named-by-date.md",
        "---\ntitle: Dated by its file name\n---\nText.\n",
        {"slug": "named-by-date", "published_at": datetime(2020, 3, 4, tzinfo=UTC)},
        id="jekyll-date-from-file-name",
    ),
    pytest.param(
        "content/posts/bundle-post/index.md",
        "---\ntitle: A Hugo bundle\ndate: 2024-05-01T09:30:00+02:00\ndraft: false\n---\n",
        {
            "slug": "bundle-post",
            "published_at": datetime(2024, 5, 1, 7, 30, tzinfo=UTC),
            "is_draft": False,
        },
        id="hugo-page-bundle",
    ),
    pytest.param(
        "wp/index.md",
        '---\ntitle: "From WordPress"\ndate: "2026-10-28T18:05:00.000Z"\n'
        'categories:\n  - "Community"\nwordpress_id: 4127\n---\n',
        {"slug": "wp", "published_at": datetime(2026, 10, 28, 18, 5, tzinfo=UTC)},
        id="wordpress-export-to-markdown",
    ),
    pytest.param(
        "plain.md",
        "---\ntitle: Naive time\ndate: 2024-02-03 10:00:00\n---\n",
        {"published_at": datetime(2024, 2, 3, 10, 0, tzinfo=UTC)},
        id="naive-datetime-is-site-time",
    ),
    pytest.param(
        "yaml-date.md",
        "---\ntitle: Only a day\ndate: 2024-02-03\n---\n",
        {"published_at": datetime(2024, 2, 3, tzinfo=UTC)},
        id="yaml-date",
    ),
    pytest.param(
        "rss.md",
        "---\ntitle: RSS date\ndate: 'Tue, 05 Mar 2024 08:00:00 +0100'\n---\n",
        {"published_at": datetime(2024, 3, 5, 7, 0, tzinfo=UTC)},
        id="rfc2822-date",
    ),
    pytest.param(
        "closed.md",
        "---\ntitle: No comments please\ncomments: false\n---\n",
        {"comments_enabled": False},
        id="comments-false",
    ),
    pytest.param(
        "draft.md",
        "---\ntitle: Work in progress\ndraft: true\n---\n",
        {"is_draft": True},
        id="hugo-draft",
    ),
    pytest.param(
        "empty-draft.md",
        "---\ntitle: Draft key left empty\ndraft:\n---\n",
        {"is_draft": False},
        id="empty-draft-key",
    ),
    pytest.param(
        "unpublished.md",
        "---\ntitle: Hidden\npublished: false\n---\n",
        {"is_draft": True},
        id="jekyll-published-false",
    ),
    pytest.param(
        "wp-status.md",
        "---\ntitle: WP draft\nstatus: draft\n---\n",
        {"is_draft": True},
        id="jekyll-import-status-draft",
    ),
    pytest.param(
        "x.md",
        "---\ntitle: Some Title\nslug: Hello World!\n---\n",
        {"slug": "hello-world"},
        id="slug-made-url-safe",
    ),
    pytest.param(
        "2019-01-01-no-title-here.md",
        "---\ndate: 2019-01-01\n---\nJust text.\n",
        {"slug": "no-title-here", "title": "No title here"},
        id="missing-title-from-file-name",
    ),
    pytest.param(
        "ünï.md",
        "---\ntitle: Café Society\n---\n",
        {"slug": "uni"},
        id="slug-from-file-name",
    ),
    pytest.param(
        "日本.md",
        "---\ntitle: Café Society\n---\n",
        {"slug": "cafe-society"},
        id="slug-from-title-when-file-name-has-no-latin-letters",
    ),
    pytest.param(
        "toml.md",
        "+++\ntitle = 'Hugo TOML'\ndate = 2024-06-01T12:00:00Z\n+++\nBody.\n",
        {
            "slug": "toml",
            "title": "Hugo TOML",
            "published_at": datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
        },
        id="toml-front-matter",
    ),
    pytest.param(
        "jekyll-import.md",
        "---\ntitle: Imported\nauthor:\n  login: jb\n  display_name: Jane Blogger\n---\n",
        {"author": "Jane Blogger"},
        id="jekyll-import-author-mapping",
    ),
    pytest.param(
        "careful.md",
        "---\ntitle: Careful\ncomment_moderation: pre\n---\n",
        {"moderation_mode": "pre"},
        id="comment-moderation-pre",
    ),
    pytest.param(
        "windows.md",
        "\ufeff---\r\ntitle: CRLF and BOM\r\n---\r\nBody.\r\n",
        {"title": "CRLF and BOM", "body": "Body.\n"},
        id="windows-line-endings-and-bom",
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), VARIANTS)
def test_front_matter_variants_become_posts(tmp_path, name, text, expected):
    """Each common way of writing front matter yields the post its author meant."""
    result = post_import_file(path=write(tmp_path, name, text))

    assert result.outcome is Outcome.CREATED, result.reason
    post = Post.objects.get(slug=result.slug)
    for field, value in expected.items():
        assert getattr(post, field) == value, field


def test_categories_and_tags_accept_a_list_or_a_single_string(tmp_path):
    """A single string is one name (commas separate several); lists keep every name once."""
    write(tmp_path, "a.md", "---\ntitle: A\ncategories: Web Development\ntags: x, y , x\n---\n")
    write(
        tmp_path, "b.md", "---\ntitle: B\ncategories: [Web Development, News]\ntags: [2024]\n---\n"
    )

    posts_import_dir(directory=tmp_path)

    assert terms(Post.objects.get(slug="a")) == (["Web Development"], ["x", "y"])
    assert terms(Post.objects.get(slug="b")) == (["News", "Web Development"], ["2024"])


def test_naive_dates_follow_the_site_time_zone(tmp_path, settings):
    """A date without an offset is read in settings.TIME_ZONE, or the zone given."""
    settings.TIME_ZONE = "Europe/Paris"
    write(tmp_path, "paris.md", "---\ntitle: Paris\ndate: 2024-07-01 12:00:00\n---\n")
    posts_import_dir(directory=tmp_path)
    assert Post.objects.get(slug="paris").published_at == datetime(2024, 7, 1, 10, tzinfo=UTC)

    run(tmp_path, "--time-zone", "America/New_York")
    assert Post.objects.get(slug="paris").published_at == datetime(2024, 7, 1, 16, tzinfo=UTC)


def test_unknown_keys_are_kept_in_extra_as_json(tmp_path):
    """Keys the importer does not use (wordpress_id, nested metadata, dates) stay on the post."""
    write(
        tmp_path,
        "wp.md",
        "---\ntitle: WP\nwordpress_id: 4127\nguid: https://old/?p=4127\n"
        "meta:\n  views: 12\n  updated: 2020-01-02\n---\n",
    )

    posts_import_dir(directory=tmp_path)

    assert Post.objects.get(slug="wp").extra == {
        "wordpress_id": 4127,
        "guid": "https://old/?p=4127",
        "meta": {"views": 12, "updated": "2020-01-02"},
    }


def test_a_second_run_updates_instead_of_duplicating(tmp_path):
    """Posts are matched by slug: an unchanged file changes nothing, an edited one updates."""
    path = write(tmp_path, "post.md", "---\ntitle: First\ntags: [a]\n---\nOne.\n")
    posts_import_dir(directory=tmp_path)
    assert posts_import_dir(directory=tmp_path).counts[Outcome.UNCHANGED] == 1

    path.write_text("---\ntitle: Second\ntags: [b]\n---\nTwo.\n", encoding="utf-8")
    summary = posts_import_dir(directory=tmp_path)

    assert summary.counts[Outcome.UPDATED] == 1
    post = Post.objects.get()
    assert (post.title, post.body, terms(post)[1]) == ("Second", "Two.\n", ["b"])


def test_a_re_import_keeps_comments_closed_in_the_admin(tmp_path):
    """A file that says nothing about comments does not reopen comments a moderator closed."""
    write(tmp_path, "post.md", "---\ntitle: T\n---\nOne.\n")
    posts_import_dir(directory=tmp_path)
    Post.objects.update(comments_enabled=False)

    posts_import_dir(directory=tmp_path)

    assert Post.objects.get().comments_enabled is False


BAD_FILES = [
    pytest.param("notes.md", "Just some notes.\n", "no front matter", id="no-front-matter"),
    pytest.param("open.md", "---\ntitle: never closed\n", "never closed", id="unclosed"),
    pytest.param("yaml.md", "---\ntitle: [oops\n---\n", "not valid YAML on line", id="bad-yaml"),
    pytest.param("list.md", "---\n- a\n- b\n---\n", "not a list", id="yaml-list"),
    pytest.param("json.md", '{"title": "x"}\n', "JSON front matter", id="json"),
    pytest.param(
        "date.md", "---\ntitle: x\ndate: next tuesday\n---\n", "date: 'next tuesday'", id="bad-date"
    ),
    pytest.param(
        "day.md",
        "---\ntitle: x\ndate: 2024-13-45\n---\n",
        "impossible value",
        id="impossible-yaml-date",
    ),
    pytest.param("toml.md", "+++\ntitle = \n+++\n", "not valid TOML", id="bad-toml"),
    pytest.param("posts/_index.md", "---\ntitle: Posts\n---\n", "section page", id="hugo-section"),
]


@pytest.mark.parametrize(("name", "text", "reason"), BAD_FILES)
def test_a_bad_file_is_skipped_with_its_reason_and_the_run_goes_on(tmp_path, name, text, reason):
    """A file that cannot become a post is reported with why; the good file still imports."""
    write(tmp_path, name, text)
    write(tmp_path, "good.md", "---\ntitle: Good\n---\n")

    summary = posts_import_dir(directory=tmp_path)

    assert summary.counts[Outcome.CREATED] == 1
    [skipped] = summary.skipped
    assert skipped.path.name == Path(name).name
    assert reason in skipped.reason


def test_a_file_that_is_not_utf8_is_skipped(tmp_path):
    """Bytes that are not UTF-8 give a reason that says to convert the file."""
    (tmp_path / "latin1.md").write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))

    [skipped] = posts_import_dir(directory=tmp_path).skipped

    assert "convert the file to UTF-8" in skipped.reason


def test_two_files_with_one_slug_in_one_run_do_not_overwrite_each_other(tmp_path):
    """The second file claiming a slug is skipped and names the first one."""
    write(tmp_path, "a/index.md", "---\ntitle: First\nslug: same\n---\n")
    write(tmp_path, "b.md", "---\ntitle: Second\nslug: same\n---\n")

    summary = posts_import_dir(directory=tmp_path)

    assert Post.objects.get(slug="same").title == "First"
    assert "already imported from a/index.md" in summary.skipped[0].reason


def test_the_command_shows_progress_and_a_summary_with_reasons(tmp_path):
    """One line per file, then counts per outcome and each skipped file with its reason."""
    write(tmp_path, "one.md", "---\ntitle: One\n---\n")
    write(tmp_path, "two.md", "---\ntitle: Two\n---\n")
    write(tmp_path, "README.md", "# About this folder\n")

    out, err = run(tmp_path)

    assert "[2/3] created   one  (one.md)" in out
    assert "3 files: created 2, updated 0, unchanged 0, skipped 1." in out
    assert "README.md: no front matter" in out
    assert "skipped README.md" in err
    out, _ = run(tmp_path, "--verbosity", "0")
    assert out.strip().splitlines()[0] == "3 files: created 0, updated 0, unchanged 2, skipped 1."


def test_a_dry_run_reports_but_saves_nothing(tmp_path):
    """--dry-run reads every file and prints the summary without creating posts."""
    write(tmp_path, "one.md", "---\ntitle: One\n---\n")

    out, _ = run(tmp_path, "--dry-run")

    assert "Dry run, nothing saved: 1 files: created 1" in out
    assert not Post.objects.exists()


def test_the_command_fails_when_there_is_nothing_to_import(tmp_path):
    """A missing folder, a folder without Markdown, or only unreadable files exit non-zero."""
    with pytest.raises(CommandError, match="does not exist"):
        run(tmp_path / "missing")
    with pytest.raises(CommandError, match="No Markdown files"):
        run(tmp_path)
    write(tmp_path, "notes.md", "no front matter\n")
    with pytest.raises(CommandError, match="None of the 1 files could be imported"):
        run(tmp_path)


def test_hidden_folders_and_other_files_are_ignored(tmp_path):
    """Only *.md / *.markdown files outside hidden folders are read."""
    write(tmp_path, ".git/x.md", "---\ntitle: Hidden\n---\n")
    write(tmp_path, "image.png", "not markdown")
    write(tmp_path, "post.markdown", "---\ntitle: Shown\n---\n")

    summary = posts_import_dir(directory=tmp_path)

    assert summary.files == 1
    assert list(Post.objects.values_list("slug", flat=True)) == ["post"]
