"""Scaling: a thread page, a deep cursor and the admin queue, with few and with many rows.

    DATABASE_URL=postgres://... .venv/bin/python bench/scaling.py [--rows 100000]

On a throwaway test database of DATABASE_URL's engine (name + "_scaling"), through the
Django test client, DEBUG off. Prints milliseconds (median of repeated reads) and queries:

- a 100-comment thread's page (rendered afresh each time: the page cache is emptied)
  with only that thread in the table, then with --rows more comments on other posts;
- a 10,000-comment thread read by cursor, 200 a page (each rendered afresh): first,
  middle and last page;
- the admin moderation queue (50 a page) with --rows comments queued.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEAT = 15


def timed(client: Client, url: str, fresh: bool = True) -> tuple[float, int, Any]:
    """Return (median ms, queries, last answer) of REPEAT reads of `url`."""
    from django.core.cache import cache

    from comments.pages import pages_forget

    times, queries, answer = [], 0, None
    for _ in range(REPEAT):
        if fresh:  # render the page every time: what a changed thread costs
            pages_forget()
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            answer = client.get(url)
            times.append(time.perf_counter() - start)
        assert answer.status_code == 200, answer.content[:300]
        queries = len(captured)
    return statistics.median(times) * 1000, queries, answer


def comments(post: Any, count: int, prefix: str, status: str = "approved") -> None:
    from comments.models import Comment

    batch = 5000
    for start in range(0, count, batch):
        Comment.objects.bulk_create(
            Comment(
                post=post,
                thread_path=f"{prefix}{n:012d}",
                author_name="Reader",
                author_email=f"r{n % 5000}@example.org",
                body_source="A comment.",
                body_html=f"<p>A comment, number {n}.</p>",
                status=status,
                spam_score=(n % 100) / 100,
            )
            for n in range(start, min(start + batch, count))
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def run(rows: int) -> None:
    from blog.models import Post
    from tests.factories import ModeratorFactory

    client = Client()
    small = Post.objects.create(title="Small", slug="small")
    comments(small, 100, "s")
    page = "/api/v1/posts/small/comments/?page_size=100"
    alone_ms, alone_q, _ = timed(client, page)
    comments(Post.objects.create(title="Others", slug="others"), rows, "o", status="pending")
    crowd_ms, crowd_q, _ = timed(client, page)
    print(f"100-comment page, table of 100:       {alone_ms:6.2f} ms, {alone_q} queries")
    print(
        f"100-comment page, table of {rows + 100:,}: {crowd_ms:6.2f} ms, {crowd_q} queries "
        f"({crowd_ms / alone_ms:.2f}x the time)"
    )
    deep = Post.objects.create(title="Deep", slug="deep")
    comments(deep, 10_000, "d")
    url, pages = "/api/v1/posts/deep/comments/?page_size=200", []
    while url:
        ms, queries, answer = timed(client, url)
        pages.append((ms, queries))
        url = answer.json()["next"]
    first, middle, last = pages[0], pages[len(pages) // 2], pages[-1]
    print(
        f"10,000-comment thread by cursor ({len(pages)} pages of 200): first {first[0]:.2f} ms, "
        f"middle {middle[0]:.2f} ms, last {last[0]:.2f} ms; queries per page "
        f"{sorted({q for _, q in pages})}"
    )
    client.force_login(ModeratorFactory(is_staff=True))
    ms, queries, _ = timed(client, "/admin/moderation/queuedcomment/?status=pending", fresh=False)
    print(f"admin queue, {rows:,} pending: {ms:.1f} ms, {queries} queries")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    settings.DEBUG = False
    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["NAME"] = (
        f"{test.get('NAME') or 'test_' + str(settings.DATABASES['default']['NAME'])}_scaling"
    )
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        print(f"{connection.vendor}; load average {os.getloadavg()}")
        run(args.rows)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
