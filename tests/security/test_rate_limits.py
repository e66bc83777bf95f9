"""Submit rate limits: per IP and per post, 429 with Retry-After, proxies believed when trusted."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.security.conftest import submit

pytestmark = pytest.mark.django_db


def test_over_the_ip_rate_answers_429_with_retry_after(
    api: APIClient, post: Any, comments_settings: Any
) -> None:
    """The fourth submit in a minute from one IP under `3/min` is refused with Retry-After."""
    comments_settings(SUBMIT_RATE="3/min")
    answers = [submit(api, body=f"Comment number {n}.") for n in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert 0 < int(answers[-1]["Retry-After"]) <= 60
    assert "throttled" in answers[-1].json()["detail"].lower()
    assert Comment.objects.count() == 3


def test_each_ip_has_its_own_budget(post: Any, comments_settings: Any) -> None:
    """A reader at the limit does not stop another reader from commenting."""
    comments_settings(SUBMIT_RATE="2/min")
    noisy, quiet = APIClient(REMOTE_ADDR="198.51.100.7"), APIClient(REMOTE_ADDR="198.51.100.8")
    assert [submit(noisy, body=f"n{n}").status_code for n in range(3)] == [201, 201, 429]
    assert submit(quiet).status_code == 201


def test_reading_is_not_limited(api: APIClient, post: Any, comments_settings: Any) -> None:
    """A reader at the submit limit can still read the thread."""
    comments_settings(SUBMIT_RATE="1/min")
    submit(api)
    assert submit(api, body="again").status_code == 429
    assert api.get("/api/v1/posts/hello-world/comments/").status_code == 200


def test_per_post_rate_covers_all_readers(post: Any, comments_settings: Any) -> None:
    """SUBMIT_RATE_PER_POST limits a post as a whole; other posts stay open."""
    comments_settings(SUBMIT_RATE_PER_POST="3/min")
    PostFactory(slug="other")
    codes = [
        submit(APIClient(REMOTE_ADDR=f"198.51.100.{n}"), body=f"b{n}").status_code
        for n in range(1, 5)
    ]
    assert codes == [201, 201, 201, 429]
    assert submit(APIClient(REMOTE_ADDR="198.51.100.9"), slug="other").status_code == 201


def test_spoofed_forwarded_for_from_an_untrusted_peer_does_not_evade(
    post: Any, comments_settings: Any
) -> None:
    """Changing X-Forwarded-For on every request from the same untrusted peer shares one budget."""
    comments_settings(SUBMIT_RATE="2/min", TRUSTED_PROXIES=["10.0.0.1"])
    client = APIClient(REMOTE_ADDR="203.0.113.50")
    codes = [
        submit(client, body=f"s{n}", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n in range(4)
    ]
    assert codes == [201, 201, 429, 429]
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {"203.0.113.50"}


def test_forwarded_for_from_a_trusted_proxy_separates_clients(
    post: Any, comments_settings: Any
) -> None:
    """Behind a trusted proxy each forwarded client has its own budget."""
    comments_settings(SUBMIT_RATE="1/min", TRUSTED_PROXIES=["10.0.0.0/8"])
    proxy = APIClient(REMOTE_ADDR="10.0.0.1")
    first = submit(proxy, HTTP_X_FORWARDED_FOR="192.0.2.1")
    second = submit(proxy, body="other", HTTP_X_FORWARDED_FOR="192.0.2.2")
    again = submit(proxy, body="again", HTTP_X_FORWARDED_FOR="192.0.2.1")
    # a client prepending its own hop is still known by the address the proxy saw
    forged = submit(proxy, body="forged", HTTP_X_FORWARDED_FOR="192.0.2.77, 192.0.2.1")
    assert (first.status_code, second.status_code) == (201, 201)
    assert (again.status_code, forged.status_code) == (429, 429)


def test_post_hourly_cap_refuses_with_a_clear_message(post: Any, comments_settings: Any) -> None:
    """Past MAX_COMMENTS_PER_POST_PER_HOUR a post answers 429 saying when to come back."""
    comments_settings(MAX_COMMENTS_PER_POST_PER_HOUR=5)
    CommentFactory.create_batch(5, post=post)
    answer = submit(APIClient(REMOTE_ADDR="198.51.100.30"))
    assert answer.status_code == 429
    assert "5 comments in the last hour" in answer.json()["detail"]
    assert 0 < int(answer["Retry-After"]) <= 3600
    assert Comment.objects.count() == 5


def test_the_limit_holds_across_the_turn_of_a_window(
    api: APIClient, post: Any, comments_settings: Any, monkeypatch: Any
) -> None:
    """Three submits at the end of a minute use up 3/min into the next; Retry-After is true."""
    import comments.throttles

    comments_settings(SUBMIT_RATE="3/min")
    clock = {"now": 6_000_059.0}  # one second before a window turns
    monkeypatch.setattr(comments.throttles.time, "time", lambda: clock["now"])
    assert [submit(api, body=f"End {n}.").status_code for n in range(3)] == [201, 201, 201]
    clock["now"] += 2
    refused = submit(api, body="Just after the turn.")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
    clock["now"] += int(refused["Retry-After"]) - 2
    assert submit(api, body="Too early still.").status_code == 429
    clock["now"] += 3
    assert submit(api, body="After Retry-After.").status_code == 201
