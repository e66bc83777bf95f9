"""Idempotency-Key on submit: a retried POST returns the first answer, never a second comment."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from rest_framework.test import APIClient

from comments.idempotency import Slot
from comments.models import Comment
from tests.cache_dump import cache_dump
from tests.factories import PostFactory
from tests.security.conftest import comment_payload, http, submit

pytestmark = pytest.mark.django_db


def test_retry_with_the_same_key_returns_the_first_answer(api: APIClient, post: Any) -> None:
    """A retried submit answers the same status, body (id, edit token) and Location."""
    first = submit(api, HTTP_IDEMPOTENCY_KEY="retry-1")
    again = submit(api, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Comment.objects.count() == 1


def test_same_key_with_a_different_body_is_refused(api: APIClient, post: Any) -> None:
    """Reusing a key for another comment answers 422 saying to use a new key."""
    submit(api, HTTP_IDEMPOTENCY_KEY="reused")
    other = submit(api, body="Something else entirely.", HTTP_IDEMPOTENCY_KEY="reused")
    assert other.status_code == 422
    assert "new key" in other.json()["detail"]
    assert Comment.objects.count() == 1


def test_keys_are_scoped_per_client_ip(post: Any) -> None:
    """Two readers who happen to pick the same key each get their own comment."""
    one = submit(APIClient(REMOTE_ADDR="198.51.100.1"), HTTP_IDEMPOTENCY_KEY="same")
    two = submit(
        APIClient(REMOTE_ADDR="198.51.100.2"),
        author_email="bo@example.org",
        HTTP_IDEMPOTENCY_KEY="same",
    )
    assert one.status_code == two.status_code == 201
    assert one.json()["id"] != two.json()["id"]


def test_keys_are_scoped_per_post(api: APIClient, post: Any) -> None:
    """The same key on another post is a different submit."""
    PostFactory(slug="second-post")
    one = submit(api, HTTP_IDEMPOTENCY_KEY="same")
    two = submit(api, slug="second-post", HTTP_IDEMPOTENCY_KEY="same")
    assert one.json()["id"] != two.json()["id"]
    assert Comment.objects.count() == 2


def test_a_refused_submit_does_not_burn_the_key(api: APIClient, post: Any) -> None:
    """After a 400 the reader can fix the comment and send it again with the same key."""
    bad = submit(api, body="   ", HTTP_IDEMPOTENCY_KEY="fix-me")
    good = submit(api, HTTP_IDEMPOTENCY_KEY="fix-me")
    assert bad.status_code == 400
    assert good.status_code == 201


def test_a_malformed_key_is_a_clear_400(api: APIClient, post: Any) -> None:
    """An over-long key is refused with a message saying what a key should look like."""
    answer = submit(api, HTTP_IDEMPOTENCY_KEY="k" * 300)
    assert answer.status_code == 400
    assert "printable ASCII" in answer.json()["Idempotency-Key"][0]
    assert Comment.objects.count() == 0


def test_retries_are_not_rate_limited(api: APIClient, post: Any, comments_settings: Any) -> None:
    """Retrying a submit that already succeeded gets its answer even at the rate limit."""
    comments_settings(SUBMIT_RATE="1/min")
    first = submit(api, HTTP_IDEMPOTENCY_KEY="once")
    again = submit(api, HTTP_IDEMPOTENCY_KEY="once")
    assert (first.status_code, again.status_code) == (201, 201)
    assert submit(api, body="A new one.").status_code == 429


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_make_one_comment(live_server: Any) -> None:
    """Eight identical submits sent at the same moment give one comment and one answer."""
    PostFactory(slug="race")
    url = f"{live_server.url}/api/v1/posts/race/comments/"

    def send(_: int) -> Any:
        return http("POST", url, comment_payload(), {"Idempotency-Key": "race-key"})

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(send, range(8)))
    assert {a.status for a in answers} == {201}
    assert len({a.text for a in answers}) == 1
    assert Comment.objects.filter(post__slug="race").count() == 1


def test_the_cache_holds_no_usable_edit_token_and_no_personal_data(
    api: APIClient, post: Any
) -> None:
    """A dump of the cache shows neither the edit token nor who wrote the comment."""
    first = submit(api, HTTP_IDEMPOTENCY_KEY="dumped")
    token = first.json()["edit_token"]

    dump = cache_dump()

    assert b"sealed" in dump  # the answer is stored...
    assert token.encode() not in dump  # ...but sealed
    assert b"ada@example.org" not in dump
    assert b"Ada Reader" not in dump
    replay = submit(api, HTTP_IDEMPOTENCY_KEY="dumped")
    assert replay.json()["edit_token"] == token


def test_a_sealed_answer_opens_only_with_the_secret_it_was_sealed_with() -> None:
    """Without the key derived from the Idempotency-Key and SECRET_KEY the answer stays shut."""
    mine = Slot(cache_key="idempotency:x", secret=b"k" * 32)
    sealed = mine.seal({"body": {"edit_token": "t0ken"}})

    assert mine.open(sealed) == {"body": {"edit_token": "t0ken"}}
    assert Slot(cache_key="idempotency:x", secret=b"j" * 32).open(sealed) is None
    assert Slot(cache_key="idempotency:y", secret=b"k" * 32).open(sealed) is None
