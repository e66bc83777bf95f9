"""Importing a Remark42 backup (JSON lines, gzipped or not) and an Isso SQLite database."""

import gzip
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError

from blog.models import Post
from comments.models import Comment, Status
from tests.comments.porting.conftest import FIXTURES, db_counts, run_import
from tests.factories import PostFactory

REMARK42 = FIXTURES / "remark42.jsonl"
OLD_URL = "/2026/10/28/moderating-without-burnout/"
ISSO_SCHEMA = """
CREATE TABLE threads (id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
CREATE TABLE comments (
    tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
    created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
    text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
    likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
    notification INTEGER DEFAULT 0);
CREATE TABLE preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
"""
ISSO_ROWS = [
    # tid, id, parent, created, modified, mode, addr, text, author, email, website
    (1, 2, 1, 1761732000.0, None, 1, "203.0.113.0", "A reply listed first", "Ben", "", ""),
    (
        1,
        1,
        None,
        1761678000.0,
        1761678300.0,
        1,
        "198.51.100.0",
        "Top *one* <script>x</script>",
        "Ann &amp; Co",
        "ann@example.org",
        "https://ann.example.org",
    ),
    (1, 3, None, 1761814800.0, None, 2, "192.0.2.0", "Held", "Zoë 東京", None, None),
    (1, 4, 1, 1761818400.0, None, 4, "", "", "", None, None),
    (1, 5, 9, 1761820000.0, None, 8, "", "Unknown mode, missing parent", "Odd", None, None),
    (2, 6, None, 1761820000.0, None, 1, "", "Other thread", "Lost", None, None),
]


@pytest.fixture
def wp_post(db: None) -> Post:
    return PostFactory(slug="moderating-without-burnout", url=OLD_URL)


@pytest.fixture
def isso_db(tmp_path: Path) -> Path:
    """An Isso comments.db written with Isso's own table definitions."""
    path = tmp_path / "comments.db"
    database = sqlite3.connect(path)
    database.executescript(ISSO_SCHEMA)
    database.executemany(
        "INSERT INTO threads VALUES (?, ?, ?)",
        [(1, OLD_URL, "Moderating"), (2, "/elsewhere/", "Elsewhere")],
    )
    database.executemany(
        "INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, text, "
        "author, email, website, voters) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, x'')",
        ISSO_ROWS,
    )
    database.commit()
    database.close()
    return path


def test_remark42_counts_equal_the_file_and_the_database(wp_post: Post) -> None:
    """Five comments: four on the post (one deleted), one on a page not on the new site."""
    report = run_import(REMARK42)
    assert report["format"] == "remark42"
    assert report["comments"] == 5
    assert report["by_status"] == {"approved": 4, "removed": 1}
    assert report["threads"] == {"matched": 1, "created": 0, "unmatched": 1}
    assert db_counts("status") == {"approved": 3, "removed": 1}


def test_remark42_threads_by_pid_and_keeps_markdown_and_edits(wp_post: Post) -> None:
    """The reply finds its parent; orig is the source; the edit time is kept."""
    run_import(REMARK42)
    top = Comment.objects.get(source_id="c-top")
    assert Comment.objects.get(source_id="c-reply").parent == top
    assert "<strong>Markdown</strong>" in top.body_html
    assert "<script" not in top.body_html
    assert top.edited_at is not None
    assert top.created_at.isoformat() == "2026-10-28T18:00:00+00:00"
    assert top.source_extra["user"]["ip"].startswith("2f1c")


def test_a_gzipped_remark42_backup_is_read_the_same(wp_post: Post, tmp_path: Path) -> None:
    """Remark42 writes its backups gzipped."""
    packed = tmp_path / "backup-remark-20261101.gz"
    packed.write_bytes(gzip.compress(REMARK42.read_bytes()))
    assert run_import(packed)["created"] == 4


def test_isso_counts_equal_the_database_it_read(wp_post: Post, isso_db: Path) -> None:
    """Modes 1, 2, 4 and an unknown one; one thread not on the new site."""
    report = run_import(isso_db)
    assert report["format"] == "isso"
    assert report["comments"] == 6
    assert report["by_status"] == {"approved": 3, "pending": 2, "removed": 1}
    assert report["unknown_statuses"] == {"mode 8": 1}
    assert report["orphans"] == 1
    assert report["threads"] == {"matched": 1, "created": 0, "unmatched": 1}
    assert db_counts("status") == {"approved": 2, "pending": 2, "removed": 1}


def test_isso_threads_and_renders_markdown(wp_post: Post, isso_db: Path) -> None:
    """Parents resolve whatever the row order; Markdown renders; scripts do not survive."""
    run_import(isso_db)
    top = Comment.objects.get(source_system="isso", source_id="1")
    assert Comment.objects.get(source_system="isso", source_id="2").parent == top
    assert "<em>one</em>" in top.body_html
    assert "<script" not in top.body_html
    assert top.author_name == "Ann &amp; Co"
    assert top.status == Status.APPROVED
    assert top.edited_at is not None


def test_isso_import_twice_creates_nothing(wp_post: Post, isso_db: Path) -> None:
    """The (isso, id) key makes the second run a no-op."""
    run_import(isso_db)
    assert run_import(isso_db)["created"] == 0


def test_a_sqlite_file_that_is_not_isso_says_so(db: None, tmp_path: Path) -> None:
    """Another program's database gives a clear error, not a traceback."""
    other = tmp_path / "other.db"
    sqlite3.connect(other).executescript("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
    with pytest.raises(CommandError, match="not an Isso database"):
        run_import(other)
