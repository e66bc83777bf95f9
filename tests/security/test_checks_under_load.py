"""Honeypot, form timing, flood and duplicate checks hold with many concurrent submits."""

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.core import signing

from comments import checks
from comments.models import Comment, Status
from tests.factories import PostFactory
from tests.security.conftest import Answer, comment_payload, http

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def post_all(url: str, bodies: list[dict[str, Any]]) -> list[Answer]:
    """Send every body to `url` from THREADS threads at once."""
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(lambda body: http("POST", url, body), bodies))


@pytest.fixture
def thread_url(live_server: Any, comments_settings: Any) -> str:
    comments_settings(FORM_MIN_SECONDS=10, FLOOD_MAX_PER_AUTHOR=None)
    PostFactory(slug="busy")
    return f"{live_server.url}/api/v1/posts/busy/comments/"


def shown_ago(seconds: float) -> str:
    """A form token for a form shown `seconds` ago, as the widget would have fetched it."""
    return signing.dumps({"t": time.time() - seconds}, salt=checks._SALT, compress=False)


def test_bots_and_people_mixed_under_load(thread_url: str) -> None:
    """Of 120 concurrent submits, each honeypot or too-fast bot is spam, each person pending."""
    bodies = []
    for n in range(40):
        bodies.append(
            comment_payload(
                author_email=f"person{n}@example.org",
                body=f"A person's comment {n}.",
                form_token=shown_ago(60),
            )
        )
        bodies.append(
            comment_payload(
                author_email=f"honey{n}@example.org",
                body=f"Cheap pills {n}",
                homepage="https://spam.example/",
                form_token=shown_ago(60),
            )
        )
        bodies.append(
            comment_payload(
                author_email=f"fast{n}@example.org", body=f"Too fast {n}", form_token="fresh"
            )
        )

    def send(body: dict[str, Any]) -> Answer:
        if body["form_token"] == "fresh":  # fetched the form and posted at once
            body = {**body, "form_token": checks.form_token_issue()}
        return http("POST", thread_url, body)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(send, bodies))
    assert Counter(a.status for a in answers) == {201: 120}
    stored = Comment.objects.filter(post__slug="busy")
    assert stored.count() == 120
    people = stored.filter(author_email__startswith="person")
    assert set(people.values_list("status", flat=True)) == {Status.PENDING}
    bots = stored.exclude(author_email__startswith="person")
    assert set(bots.values_list("status", flat=True)) == {Status.SPAM}


def test_duplicate_bursts_leave_one_comment(thread_url: str) -> None:
    """The same comment sent 16 times at once by one author is stored once; the rest are 400."""
    answers = post_all(thread_url, [comment_payload(body="Same words.")] * 16)
    codes = Counter(a.status for a in answers)
    assert codes[201] == Comment.objects.filter(post__slug="busy").count()
    assert set(codes) <= {201, 400}
    assert codes[201] == 1, f"duplicates got through under load: {codes}"


def test_flood_limit_holds_under_load(thread_url: str, comments_settings: Any) -> None:
    """One author sending 40 comments at once gets at most FLOOD_MAX_PER_AUTHOR in, the rest 429."""
    comments_settings(FLOOD_MAX_PER_AUTHOR=10)
    answers = post_all(thread_url, [comment_payload(body=f"Flood {n}.") for n in range(40)])
    codes = Counter(a.status for a in answers)
    assert set(codes) <= {201, 429}
    assert all("retry-after" in a.headers for a in answers if a.status == 429)
    assert Comment.objects.filter(post__slug="busy").count() == codes[201]
    assert codes[201] <= 10, f"flood limit overshot under load: {codes}"


def test_rate_limit_holds_under_load(thread_url: str, comments_settings: Any) -> None:
    """With SUBMIT_RATE 10/min, 40 concurrent submits from one IP let at most 10 through."""
    comments_settings(SUBMIT_RATE="10/min")
    answers = post_all(
        thread_url,
        [comment_payload(author_email=f"r{n}@example.org", body=f"Rate {n}.") for n in range(40)],
    )
    codes = Counter(a.status for a in answers)
    assert set(codes) <= {201, 429}
    assert 1 <= codes[201] <= 10, codes  # the throttle's read-then-write holds a lock
