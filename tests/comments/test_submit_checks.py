"""Submit-time defences: honeypot, form timing, duplicates and floods, as settings choose."""

import time
from datetime import timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import checks
from comments.models import Comment, Status
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/posts/hello-world/comments/"
VALID = {
    "author_name": "Ann Reader",
    "author_email": "ann@example.org",
    "body": "Thanks, this helped me.",
}


def send(api, **change: object):
    return api.post(URL, {**VALID, **change}, format="json")


def token_shown(seconds_ago: float) -> str:
    """Return a form token as if the form had been shown `seconds_ago`."""
    return signing.dumps(
        {"t": time.time() - seconds_ago}, salt="comments.form-token", compress=False
    )


def latest_reason(comment_id: int) -> str:
    return Comment.objects.get(pk=comment_id).history.last().reason


def test_an_anonymous_api_client_needs_only_name_email_and_body(api, post):
    """No form token and no honeypot field: the comment is accepted and waits for scoring."""
    answer = send(api)
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "pending"


def test_the_widgets_form_token_from_the_api_passes(api, post):
    """A token fetched from /api/v1/form-token/ a few seconds before submit is fine."""
    token = api.get("/api/v1/form-token/").json()["form_token"]
    assert send(api, form_token=token).status_code == 201
    answer = send(api, body="Another thought.", form_token=token_shown(30))
    assert answer.json()["status"] == "pending"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"homepage": "http://bot.example"}, "honeypot field was filled in"),
        ({"form_token": 0.5}, "too fast for a person"),
        ({"form_token": 3 * 24 * 3600}, "form token has expired"),
        ({"form_token": "forged-token"}, "form token is invalid"),
    ],
)
def test_a_bot_is_quietly_marked_spam_with_the_reason(api, post, change, reason):
    """By default a failed bot check answers 201 (the bot learns nothing) but files it as spam."""
    if isinstance(change.get("form_token"), int | float):  # seconds ago, made now
        change = {"form_token": token_shown(change["form_token"])}
    answer = send(api, **change)
    assert answer.status_code == 201
    assert answer.json()["status"] == "pending"
    assert Comment.objects.get(pk=answer.json()["id"]).status == Status.SPAM
    assert reason in latest_reason(answer.json()["id"])


def test_a_bot_check_can_answer_400_instead(api, post, settings):
    """With BOT_CHECK_ACTION 'reject' the submit is refused with the reason."""
    settings.COMMENTS = {**settings.COMMENTS, "BOT_CHECK_ACTION": "reject"}
    answer = send(api, homepage="http://bot.example")
    assert answer.status_code == 400
    assert "honeypot" in answer.json()["form_token"][0]
    assert not Comment.objects.exists()


def test_token_authenticated_clients_skip_the_timing_check(user_api, post):
    """An API client with a token is not held to the widget's form timing."""
    answer = user_api.post(URL, {**VALID, "form_token": "anything"}, format="json")
    assert answer.status_code == 201
    assert answer.json()["status"] == "pending"


def test_the_same_comment_twice_is_refused_with_a_clear_message(api, post):
    """A double submit of the same body by the same author on the same post is a 400."""
    assert send(api).status_code == 201
    again = send(api)
    assert again.status_code == 400
    assert again.json() == {"body": ["You already posted this comment here."]}
    assert Comment.objects.count() == 1


def test_the_same_words_from_someone_else_or_elsewhere_are_fine(api, post):
    """Another author may say 'Thanks, this helped me.' too."""
    assert send(api).status_code == 201
    assert send(api, author_email="bob@example.org").status_code == 201


def test_duplicates_can_go_to_spam_instead(api, post, settings):
    """With DUPLICATE_ACTION 'spam' the copy is accepted and filed as spam with the reason."""
    settings.COMMENTS = {**settings.COMMENTS, "DUPLICATE_ACTION": "spam"}
    send(api)
    again = send(api)
    assert again.status_code == 201
    assert again.json()["status"] == "pending"
    assert Comment.objects.get(pk=again.json()["id"]).status == Status.SPAM
    assert "already posted" in latest_reason(again.json()["id"])


def test_a_flood_from_one_author_answers_429_with_retry_after(api, post, settings):
    """Past FLOOD_MAX_PER_AUTHOR comments in the window, the author must wait."""
    settings.COMMENTS = {**settings.COMMENTS, "FLOOD_MAX_PER_AUTHOR": 2}
    for n in range(2):
        assert send(api, body=f"Comment {n}").status_code == 201
    answer = send(api, body="Comment 3")
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 0
    assert "Too many comments" in answer.json()["detail"]


def test_a_flood_from_one_address_can_be_limited_too(api, post, settings):
    """FLOOD_MAX_PER_IP limits one client address whatever e-mail it gives."""
    settings.COMMENTS = {**settings.COMMENTS, "FLOOD_MAX_PER_IP": 1}
    assert send(api).status_code == 201
    assert send(api, author_email="other@example.org", body="Hi").status_code == 429


def test_duplicate_and_flood_checks_take_one_query(post, settings) -> None:
    """The submit's duplicate, author-flood and address-flood checks read the table once."""
    settings.COMMENTS = {**settings.COMMENTS, "FLOOD_MAX_PER_IP": 5}
    CommentFactory(post=post, author_email="A@example.org", body_source="Hi.")
    with CaptureQueriesContext(connection) as queries:
        found = checks.history_check(
            post_id=post.pk, body="Hi.", author_email="a@example.org", ip_address="192.0.2.1"
        )
    assert found is not None
    assert found.duplicate
    assert len(queries) == 1


def _check(post, **change: object) -> checks.Refusal | None:
    values = {"body": "Hi.", "author_email": "ann@example.org", "ip_address": "192.0.2.1"}
    return checks.history_check(post_id=post.pk, **{**values, **change})


def test_the_author_matches_whatever_the_case_of_the_address(post) -> None:
    """ANN@Example.org and ann@example.org are one author, for duplicates and floods."""
    CommentFactory(post=post, author_email="ANN@Example.org", body_source="Hi.")
    assert _check(post, author_email=" ann@example.ORG ").duplicate


def test_a_removed_comment_or_an_old_one_is_no_duplicate(post, settings) -> None:
    """Removed by its author, or older than DUPLICATE_WINDOW_SECONDS: the body may come again."""
    settings.COMMENTS = {**settings.COMMENTS, "DUPLICATE_WINDOW_SECONDS": 3600}
    CommentFactory(post=post, author_email="ann@example.org", body_source="Hi.", status="removed")
    old = timezone.now() - timedelta(hours=2)
    CommentFactory(post=post, author_email="ann@example.org", body_source="Hi.", created_at=old)
    assert _check(post) is None


@pytest.mark.parametrize(
    ("knobs", "expected"),
    [
        ({"DUPLICATE_WINDOW_SECONDS": None}, "more than 2 comments from this author"),
        ({"FLOOD_MAX_PER_AUTHOR": None}, "the same comment was already posted"),
        ({"FLOOD_MAX_PER_AUTHOR": None, "FLOOD_MAX_PER_IP": 2}, "the same comment was already"),
        (
            {"FLOOD_MAX_PER_AUTHOR": None, "DUPLICATE_WINDOW_SECONDS": None, "FLOOD_MAX_PER_IP": 2},
            "more than 2 comments from this address",
        ),
        ({"FLOOD_MAX_PER_AUTHOR": None, "DUPLICATE_WINDOW_SECONDS": None}, None),
    ],
)
def test_each_check_runs_only_when_its_setting_is_on(post, settings, knobs, expected) -> None:
    """Duplicates and per-author and per-address floods, each on its own setting."""
    settings.COMMENTS = {**settings.COMMENTS, "FLOOD_MAX_PER_AUTHOR": 2, **knobs}
    for body in ["Hi.", "Hello.", "Hey."]:
        CommentFactory(
            post=post, author_email="ann@example.org", body_source=body, ip_address="192.0.2.1"
        )
    CommentFactory(post=post, author_email="bob@example.org", ip_address="192.0.2.9")
    with CaptureQueriesContext(connection) as queries:
        refusal = _check(post)
    if expected is None:
        assert refusal is None
        assert not queries.captured_queries  # nothing to count: no statement
    else:
        assert refusal is not None
        assert refusal.reason.startswith(expected)
        assert len(queries) == 1


def test_a_flood_window_counts_only_recent_comments(post, settings) -> None:
    """Comments older than FLOOD_WINDOW_SECONDS do not count toward a flood."""
    settings.COMMENTS = {**settings.COMMENTS, "FLOOD_MAX_PER_AUTHOR": 1}
    old = timezone.now() - timedelta(hours=1)
    CommentFactory(post=post, author_email="ann@example.org", body_source="Old.", created_at=old)
    assert _check(post) is None
    CommentFactory(post=post, author_email="ann@example.org", body_source="New.")
    assert "more than 1 comments" in _check(post).reason
