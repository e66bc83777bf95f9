"""A strict Content-Security-Policy and the other security headers on every answer we serve."""

from typing import Any

import pytest
from django.test import Client

from blog.middleware import CSP
from tests.factories import CommentFactory, ModeratorFactory
from tests.security.conftest import http

pytestmark = pytest.mark.django_db

PATHS = [
    "/",
    "/posts/hello-world/",
    "/posts/no-such-post/",
    "/admin/",
    "/admin/login/",
    "/admin/moderation/queuedcomment/",
    "/api/v1/posts/",
    "/api/v1/posts/hello-world/",
    "/api/v1/posts/hello-world/comments/",
    "/api/v1/counts/?post=hello-world",
    "/api/v1/form-token/",
    "/api/v1/comments/999999/",
    "/api/v1/moderation/comments/",
    "/api/v1/schema/",
    "/static/comments/embed.js",
    "/static/comments/embed.css",
    "/static/comments/editor.js",
    "/static/comments/editor.css",
    "/static/blog/site.css",
    "/no/such/page/",
]


def assert_strict_headers(headers: Any, where: str) -> None:
    """Fail unless `headers` carry our CSP (or a stricter one) and the other protections."""
    csp = headers["Content-Security-Policy"]
    directives = dict((d.strip() + " ").split(" ", 1) for d in csp.split(";") if d.strip())
    assert "'unsafe-inline'" not in directives.get("script-src", "'unsafe-inline'"), where
    assert "'unsafe-eval'" not in csp, where
    assert directives.get("object-src", "").strip() == "'none'" or "default-src 'none'" in csp
    assert directives.get("frame-ancestors", "").strip() == "'none'" or "default-src" in csp
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["X-Frame-Options"] == "DENY", where
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", where


@pytest.mark.parametrize("path", PATHS)
def test_every_page_carries_the_security_headers(path: str, post: Any) -> None:
    """Blog pages, admin, API, schema, static files and error pages all get the headers."""
    answer = Client().get(path)
    assert answer.status_code in (200, 302, 401, 403, 404), path
    if path.startswith("/static/"):
        assert answer.status_code == 200, "served by WhiteNoise, inside our middleware"
    assert_strict_headers(answer, path)


def test_logged_in_moderator_pages_carry_the_headers(post: Any) -> None:
    """Pages seen by a staff moderator (admin queue, browsable API) carry them too."""
    CommentFactory(post=post)
    client = Client()
    client.force_login(ModeratorFactory(is_staff=True))
    for path in (
        "/admin/",
        "/admin/moderation/queuedcomment/",
        "/api/v1/moderation/comments/?format=api",
    ):
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert_strict_headers(answer, path)


def test_the_policy_is_strict() -> None:
    """Scripts, styles and connections come from our own origin only; nothing embeds us."""
    assert "script-src 'self';" in CSP
    assert "object-src 'none'" in CSP
    assert "base-uri 'none'" in CSP
    assert "frame-ancestors 'none'" in CSP
    assert "unsafe" not in CSP


def test_avatars_keep_their_tighter_policy(post: Any) -> None:
    """Identicon SVGs are served with default-src 'none': an SVG can never run anything."""
    comment = CommentFactory(post=post)
    answer = Client().get(f"/api/v1/avatars/{comment.avatar_hash}.svg")
    assert answer.status_code == 200
    assert answer["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.django_db(transaction=True)
def test_early_answers_over_real_http_carry_the_headers(live_server: Any) -> None:
    """Over a real socket, 413 and 404 answers carry the headers too."""
    for method, path, body in [
        ("POST", "/api/v1/posts/x/comments/", {"body": "z" * 100_000}),
        ("GET", "/no/such/page/", None),
    ]:
        answer = http(method, live_server.url + path, body)
        assert "'unsafe-inline'" not in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["x-frame-options"] == "DENY"
