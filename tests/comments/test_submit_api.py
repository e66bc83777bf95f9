"""POST /api/v1/posts/{slug}/comments/: submit a comment; every refusal is a clear 4xx."""

import importlib
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from comments.models import Comment, Status
from comments.tokens import hash_token
from tests.factories import CommentFactory, PostFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/posts/hello-world/comments/"
VALID = {
    "author_name": "Ann Reader",
    "author_email": "ann@example.org",
    "body": "Thanks, this **helped** me.",
}


def send(api, payload: object, url: str = URL):
    return api.post(url, payload, format="json")


def send_raw(api, raw: bytes, content_type: str = "application/json", url: str = URL):
    return api.generic("POST", url, raw, content_type=content_type)


def test_a_submit_answers_201_with_the_authors_view_and_a_location(api, post):
    """The answer carries id, pending status, rendered body, edit token, window and Location."""
    answer = send(api, {**VALID, "author_url": "https://ann.example"})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    comment = Comment.objects.get()
    assert body["id"] == comment.pk
    assert body["status"] == "pending"
    assert body["body_html"] == "<p>Thanks, this <strong>helped</strong> me.</p>"
    assert comment.edit_token_hash == hash_token(body["edit_token"])
    expires = parse_datetime(body["edit_expires_at"])
    assert (
        timezone.now() + timedelta(minutes=14) < expires <= timezone.now() + timedelta(minutes=15)
    )
    assert answer["Location"] == f"http://testserver/api/v1/comments/{comment.pk}/"
    assert {"author_email", "ip_address", "user_agent", "spam_score"}.isdisjoint(body)
    assert "ann@example.org" not in answer.content.decode()


def test_a_submit_keeps_the_request_context_for_moderators_only(api, post):
    """IP and user agent are stored with the comment (and never echoed back)."""
    answer = api.post(URL, VALID, format="json", HTTP_USER_AGENT="Firefox/140")
    comment = Comment.objects.get(pk=answer.json()["id"])
    assert comment.ip_address == "203.0.113.10"
    assert comment.user_agent == "Firefox/140"
    assert "203.0.113.10" not in answer.content.decode()


@pytest.mark.usefixtures("endpoint_for_every_event")
def test_a_submit_is_queued_for_scoring_after_commit(
    api, post, django_capture_on_commit_callbacks, published_tasks
):
    """The scoring task for revision 1 and the `comment.created` event reach the broker once
    the comment is committed."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = send(api, VALID)
        assert published_tasks == []
    pk = answer.json()["id"]
    assert sorted(published_tasks) == [
        ("moderation.comment_event", (pk, "comment.created")),
        ("moderation.score_comment", (pk, 1)),
    ]


def test_a_submit_on_a_site_without_webhooks_sends_only_the_scoring_task(
    api, post, django_capture_on_commit_callbacks, published_tasks
):
    """Nobody can act on `comment.created` without a webhook for it: no message is sent."""
    with django_capture_on_commit_callbacks(execute=True):
        answer = send(api, VALID)
    assert published_tasks == [("moderation.score_comment", (answer.json()["id"], 1))]


def test_the_new_comment_is_not_public_until_approved(api, post):
    """A pending comment is not in the thread nor in the counts."""
    send(api, VALID)
    assert api.get(URL).json()["results"] == []
    assert api.get("/api/v1/counts/?post=hello-world").json() == {"hello-world": 0}


def test_a_reply_to_a_published_comment_is_nested_under_it(api, post):
    """A reply names its parent and sits one level deeper."""
    parent = CommentFactory(post=post)
    answer = send(api, {**VALID, "parent": parent.pk})
    assert answer.status_code == 201, answer.content
    assert answer.json()["parent"] == parent.pk
    assert answer.json()["depth"] == 1


def test_a_submit_with_form_data_works_too(api, post):
    """A plain HTML form post (no JavaScript) is accepted like JSON."""
    answer = api.post(URL, VALID)
    assert answer.status_code == 201, answer.content


@pytest.mark.parametrize("missing", ["author_name", "author_email", "body"])
def test_each_required_field_is_named_when_missing(api, post, missing):
    """Leaving out a required field gives DRF's field-error object naming it."""
    answer = send(api, {k: v for k, v in VALID.items() if k != missing})
    assert answer.status_code == 400
    assert answer.json() == {missing: ["This field is required."]}


def test_a_website_is_stored_and_served_percent_encoded(api, post):
    """Quotes and angle brackets in a reader's website never reach storage or answers raw."""
    typed = "https://example.com/'><script>alert(1)</script>"
    answer = send(api, {**VALID, "author_url": typed})
    assert answer.status_code == 201, answer.content
    comment = Comment.objects.get()
    assert comment.author_url == "https://example.com/%27%3E%3Cscript%3Ealert(1)%3C/script%3E"
    Comment.objects.filter(pk=comment.pk).update(status=Status.APPROVED)
    served = api.get(URL).json()["results"][0]["author_url"]
    assert served == comment.author_url
    assert not set("'\"<> ") & set(served)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("author_email", "not-an-email"),
        ("author_email", "ann@"),
        ("author_email", "a" * 250 + "@example.org"),
        ("author_url", "javascript:alert(1)"),
        ("author_url", "JAVASCRIPT:alert(1)"),
        ("author_url", "data:text/html,hi"),
        ("author_url", "ftp://ann.example"),
        ("author_url", "ann.example"),
        ("author_url", "https://ann.example/" + "a" * 500),
        ("author_url", "https://ann.example/" + "'" * 200),  # 600 characters once encoded
        ("author_url", "https://user:secret@ann.example/"),
        ("author_url", "https://ann.example<script>/"),
        ("author_name", "x" * 81),
        ("author_name", "   "),
        ("author_name", "\u200b\u200b"),
        ("body", ""),
        ("body", "   \n\t "),
        ("body", "\u200b\ufeff"),
        ("body", "x" * 10_001),
    ],
)
def test_bad_values_are_refused_on_their_field(api, post, field, value):
    """Bad e-mail, unsafe or over-long URL, over-long or empty name or body: 400 on that field."""
    answer = send(api, {**VALID, field: value})
    assert answer.status_code == 400, answer.content
    errors = answer.json()
    assert list(errors) == [field]
    assert all(isinstance(message, str) and message for message in errors[field])
    assert not Comment.objects.exists()


def test_limits_are_the_operators_settings(api, post, settings):
    """COMMENTS["MAX_BODY_LENGTH"] moves the body limit, and the message says the numbers."""
    settings.COMMENTS = {**settings.COMMENTS, "MAX_BODY_LENGTH": 20}
    answer = send(api, {**VALID, "body": "y" * 21})
    assert answer.status_code == 400
    assert answer.json()["body"] == [
        "Ensure this field has no more than 20 characters (it has 21)."
    ]
    assert send(api, {**VALID, "body": "y" * 20}).status_code == 201


@pytest.mark.parametrize("parent", [999_999, 0, -1, "abc", 1.5, [1], {"id": 1}, 2**63, 10**40])
def test_an_unknown_or_malformed_parent_is_a_400_on_parent(api, post, parent):
    """Replies to comments that do not exist, or ids that are not ids, are refused on `parent`."""
    answer = send(api, {**VALID, "parent": parent})
    assert answer.status_code == 400
    assert list(answer.json()) == ["parent"]


def test_a_parent_on_another_post_is_refused(api, post):
    """A reply cannot hang under another post's comment."""
    elsewhere = CommentFactory(post=PostFactory(slug="elsewhere"))
    answer = send(api, {**VALID, "parent": elsewhere.pk})
    assert answer.status_code == 400
    assert list(answer.json()) == ["parent"]


def test_a_reply_to_a_pending_comment_is_refused(api, post):
    """Only published comments take replies."""
    waiting = CommentFactory(post=post, status=Status.PENDING)
    answer = send(api, {**VALID, "parent": waiting.pk})
    assert answer.status_code == 400
    assert answer.json() == {"parent": ["You can only reply to a published comment on this post."]}


@pytest.mark.parametrize(
    "closed",
    [
        {"comments_enabled": False},
        {"published_at": timezone.now() - timedelta(days=40), "close_comments_after_days": 30},
    ],
)
def test_a_post_with_comments_disabled_or_closed_answers_403(api, closed):
    """Disabled or aged-out comments: 403 with a sentence saying they are closed."""
    PostFactory(slug="quiet", **closed)
    answer = send(api, VALID, url="/api/v1/posts/quiet/comments/")
    assert answer.status_code == 403
    assert "closed" in answer.json()["detail"]
    assert not Comment.objects.exists()


def test_the_site_wide_close_after_days_applies(api, settings):
    """COMMENTS["CLOSE_AFTER_DAYS"] closes old posts that set no limit of their own."""
    settings.COMMENTS = {**settings.COMMENTS, "CLOSE_AFTER_DAYS": 7}
    PostFactory(slug="old", published_at=timezone.now() - timedelta(days=8))
    assert send(api, VALID, url="/api/v1/posts/old/comments/").status_code == 403


@pytest.mark.parametrize(
    "hidden", [{"is_draft": True}, {"published_at": timezone.now() + timedelta(days=1)}]
)
def test_drafts_and_scheduled_posts_are_not_found(api, hidden):
    """A draft or a post not yet published does not exist for readers: 404."""
    PostFactory(slug="secret", **hidden)
    assert send(api, VALID, url="/api/v1/posts/secret/comments/").status_code == 404


def test_an_unknown_post_is_not_found(api, db):
    """Submitting to a slug that names no post answers 404."""
    assert send(api, VALID, url="/api/v1/posts/nope/comments/").status_code == 404


def test_an_oversize_body_is_refused_with_413(api, post, settings):
    """A request body above DATA_UPLOAD_MAX_MEMORY_SIZE is refused before it is parsed."""
    big = json.dumps({**VALID, "body": "z" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10)})
    answer = send_raw(api, big.encode())
    assert answer.status_code == 413
    assert str(settings.DATA_UPLOAD_MAX_MEMORY_SIZE) in answer.json()["detail"]
    assert not Comment.objects.exists()


def test_a_lying_content_length_is_refused_too(api, post):
    """A declared Content-Length above the limit is a 413 whatever the real body is."""
    answer = api.generic(
        "POST", URL, json.dumps(VALID), content_type="application/json", CONTENT_LENGTH="10000000"
    )
    assert answer.status_code == 413


@pytest.mark.parametrize(
    "raw",
    [
        b"not json",
        b'{"author_name": "Ann"',
        b"[1, 2, 3]",
        b'"just a string"',
        b"42",
        b"null",
        b"\xff\xfe\x00garbage",
        b'{"author_name": "A", "author_email": "a@example.org", "body": "x", "parent": NaN}',
        b'{"author_name": "A", "author_email": "a@example.org", "body": "x", "parent": 1e999}',
        json.dumps([VALID]).encode(),
    ],
)
def test_malformed_json_is_a_400(api, post, raw):
    """Bodies that are not a JSON object answer 400 with a message, not a server error."""
    answer = send_raw(api, raw)
    assert answer.status_code == 400
    assert answer.json()


@pytest.mark.parametrize(
    "change",
    [
        {"author_name": None, "author_email": None, "body": None},
        {"author_name": {"first": "Ann"}},
        {"body": {"text": "hi"}},
        {"body": ["hi"]},
        {"author_email": ["ann@example.org"]},
        {"author_url": {"href": "https://x.example"}},
        {"author_name": True},
        {"body": False},
        {"homepage": None},
        {"form_token": {"t": 1}},
        {"author_name": "Ann\u0000"},
        {"body": "nul \u0000 inside"},
        {"author_url": "https://ann.example/\u0000"},
        {"author_name": "\ud800"},
        {"body": "lone \udfff surrogate"},
        {"author_url": "https://ann.example/\ud800"},
        {"author_email": "ann\u0000@example.org"},
    ],
)
def test_wrong_types_and_forbidden_characters_are_400s(api, post, change):
    """Nulls, objects, lists, booleans, NUL and lone surrogates in strings: 400 on the field."""
    answer = send_raw(api, json.dumps({**VALID, **change}).encode())
    assert answer.status_code == 400, answer.content
    assert set(answer.json()) <= set(change)


@pytest.mark.parametrize(
    "change",
    [
        {"author_name": 12, "body": 12345},
        {"author_name": "\U0001f600\u0301\u202e", "body": "\U0001f4a9 \ufffe \uffff \u0085"},
        {"body": "\u202e\u2066" * 100 + "RTL junk"},
        {"author_email": "ann@\u00e9xample.org"},
        {"body": "# " * 4000},
        {"body": ">" * 3000 + " deep quote"},
        {"body": "[" * 5000},
        {"body": "*" * 9000},
        {"body": "1. " * 3000},
        {"body": "+ " * 600},
    ],
)
def test_odd_but_valid_input_never_fails(api, post, change):
    """Numbers for text, emoji, bidi marks, IDN e-mail and Markdown bombs give 201 or a 4xx."""
    answer = send_raw(api, json.dumps({**VALID, **change}).encode())
    assert 200 <= answer.status_code < 500, answer.content
    if answer.status_code == 201:
        assert "<script" not in answer.json()["body_html"]


def test_an_unsupported_content_type_is_415(api, post):
    """XML and other media types are refused with 415, as DRF does."""
    answer = send_raw(api, b"<comment/>", content_type="application/xml")
    assert answer.status_code == 415


def test_too_many_submits_from_one_address_answer_429_with_retry_after(api, post, settings):
    """Past COMMENTS["SUBMIT_RATE"], a reader gets 429 and is told when to try again."""
    settings.COMMENTS = {**settings.COMMENTS, "SUBMIT_RATE": "2/min"}
    for n in range(2):
        ok = send(api, {**VALID, "body": f"Comment number {n}, with different words."})
        assert ok.status_code == 201, ok.content
    answer = send(api, {**VALID, "body": "And a third one, too fast."})
    assert answer.status_code == 429
    assert int(answer["Retry-After"]) > 0


def test_websites_stored_before_are_normalised_by_the_migration(post):
    """The data migration percent-encodes stored websites and clears what is no web address."""
    from django.apps import apps as installed_apps

    migration = importlib.import_module("comments.migrations.0005_normalise_author_urls")
    raw = CommentFactory(post=post, author_url="https://example.com/'><b>")
    bad = CommentFactory(post=post, author_url="javascript:alert(1)")
    fine = CommentFactory(post=post, author_url="https://ann.example/")

    migration.normalise_author_urls(installed_apps, None)

    raw.refresh_from_db()
    bad.refresh_from_db()
    fine.refresh_from_db()
    assert raw.author_url == "https://example.com/%27%3E%3Cb%3E"
    assert bad.author_url == ""
    assert fine.author_url == "https://ann.example/"
