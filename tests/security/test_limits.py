"""Size and shape limits on submits: body, name, URL, whole request (413), depth, closed posts."""

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.test import APIClient

from comments.models import Comment
from tests.factories import CommentFactory, PostFactory
from tests.security.conftest import comment_payload, http, submit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("body", "x" * 10_001, "no more than 10000 characters"),
        ("author_name", "N" * 81, "no more than 80 characters"),
        ("author_url", "https://example.org/" + "p" * 500, "no more than 500 characters"),
        ("author_email", "e" * 250 + "@example.org", "254"),
    ],
)
def test_oversize_fields_are_refused_by_name(
    api: APIClient, post: Any, field: str, value: str, words: str
) -> None:
    """A field over its limit is a 400 naming the field and the limit."""
    answer = submit(api, **{field: value})
    assert answer.status_code == 400
    assert words in " ".join(answer.json()[field])
    assert Comment.objects.count() == 0


def test_limits_follow_the_settings(api: APIClient, post: Any, comments_settings: Any) -> None:
    """An operator's MAX_BODY_LENGTH is what the API enforces."""
    comments_settings(MAX_BODY_LENGTH=20)
    assert submit(api, body="x" * 21).status_code == 400
    assert submit(api, body="x" * 20).status_code == 201


def test_an_oversize_request_is_413(api: APIClient, post: Any) -> None:
    """A JSON document larger than the upload limit is refused with 413 before parsing."""
    answer = submit(api, body="x" * 70_000)
    assert answer.status_code == 413
    assert "limit" in answer.json()["detail"]


def test_an_oversize_request_is_413_over_real_http(live_server: Any) -> None:
    """Over a real socket an oversize submit is a 413 with the security headers, not a 500."""
    PostFactory(slug="big")
    answer = http(
        "POST", f"{live_server.url}/api/v1/posts/big/comments/", comment_payload(body="y" * 200_000)
    )
    assert answer.status == 413
    assert "content-security-policy" in answer.headers


def _chunked_environ(body: bytes) -> dict[str, Any]:
    """What gunicorn hands Django for a chunked request: no Content-Length, framing decoded."""
    environ = RequestFactory()._base_environ(
        PATH_INFO="/api/v1/posts/hello-world/comments/",
        REQUEST_METHOD="POST",
        CONTENT_TYPE="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
        REMOTE_ADDR="203.0.113.40",
    )
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = io.BytesIO(body)
    environ["wsgi.input_terminated"] = True
    return environ


def _call(environ: dict[str, Any]) -> tuple[int, bytes]:
    status: list[str] = []
    chunks = WSGIHandler()(environ, lambda s, h: status.append(s))
    return int(status[0].split()[0]), b"".join(chunks)


@pytest.mark.django_db(transaction=True)
def test_an_oversize_chunked_request_is_413() -> None:
    """A chunked body without Content-Length is cut off at the limit and refused with 413."""
    PostFactory(slug="hello-world")
    code, body = _call(_chunked_environ(json.dumps(comment_payload(body="z" * 100_000)).encode()))
    assert code == 413
    assert b"limit" in body
    assert Comment.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_small_chunked_request_is_accepted() -> None:
    """A chunked submit under the limit is read and saved like any other."""
    PostFactory(slug="hello-world")
    code, _ = _call(_chunked_environ(json.dumps(comment_payload()).encode()))
    assert code == 201
    assert Comment.objects.count() == 1


def test_a_chunked_request_the_server_cannot_frame_is_411(api: APIClient, post: Any) -> None:
    """Without a decoded body the service asks for a Content-Length instead of losing it."""
    answer = api.generic(
        "POST",
        "/api/v1/posts/hello-world/comments/",
        "",
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert answer.status_code == 411


def test_replies_stop_at_max_depth(api: APIClient, post: Any, comments_settings: Any) -> None:
    """A reply below MAX_DEPTH is refused with a message saying to reply higher up."""
    comments_settings(MAX_DEPTH=2)
    top = CommentFactory(post=post)
    child = CommentFactory(post=post, parent=top)
    grandchild = CommentFactory(post=post, parent=child)
    assert submit(api, parent=child.pk).status_code == 201
    answer = submit(api, parent=grandchild.pk, body="One level too deep.")
    assert answer.status_code == 400
    assert "reply higher up" in answer.json()["parent"][0]


def test_disabled_posts_refuse_with_403(api: APIClient) -> None:
    """A post with comments switched off answers 403 and saves nothing."""
    PostFactory(slug="hello-world", comments_enabled=False)
    answer = submit(api)
    assert answer.status_code == 403
    assert "closed" in answer.json()["detail"]
    assert Comment.objects.count() == 0


def test_comments_close_automatically_on_old_posts(api: APIClient, comments_settings: Any) -> None:
    """With CLOSE_AFTER_DAYS, a post older than that refuses comments and says it is closed."""
    comments_settings(CLOSE_AFTER_DAYS=30)
    PostFactory(slug="old", published_at=timezone.now() - timedelta(days=31))
    PostFactory(slug="fresh", published_at=timezone.now() - timedelta(days=29))
    assert submit(api, slug="old").status_code == 403
    assert api.get("/api/v1/posts/old/").json()["comments_open"] is False
    assert submit(api, slug="fresh").status_code == 201


def test_a_post_can_close_sooner_than_the_site(api: APIClient) -> None:
    """A post's own close_comments_after_days closes it regardless of the site default."""
    PostFactory(
        slug="short", close_comments_after_days=1, published_at=timezone.now() - timedelta(days=2)
    )
    assert submit(api, slug="short").status_code == 403


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"[]",
        b"\xff\xfe",
        b'{"body": {"a": 1}}',
        b"null",
        b'{"parent": "x", "author_name": [], "body": 1}',
        b"[" * 5000 + b"]" * 5000,
    ],
)
def test_malformed_json_is_a_400_not_a_500(api: APIClient, post: Any, raw: bytes) -> None:
    """Broken, wrongly shaped or deeply nested JSON is a 400 with a DRF error object."""
    answer = api.generic(
        "POST", "/api/v1/posts/hello-world/comments/", raw, content_type="application/json"
    )
    assert answer.status_code == 400
    assert isinstance(answer.json(), dict)
