"""XSS through the real submit API: stored HTML, names and URLs are safe on both sanitizers."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from comments.models import Comment
from comments.sanitize import is_safe_web_url
from tests.factories import PostFactory
from tests.security.conftest import submit
from tests.security.xss_checks import (
    approve_all,
    assert_safe_comment_html,
    assert_safe_page_section,
    comments_section,
    submit_corpus,
    url_scheme,
)
from tests.security.xss_corpus import CORPUS, URLS

pytestmark = pytest.mark.django_db

BACKENDS = ["bleach", "nh3"]
PAGE_TAGS = {
    "section",
    "h2",
    "article",
    "p",
    "a",
    "strong",
    "time",
    "div",
    "noscript",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "i",
    "li",
    "ol",
    "pre",
    "ul",
}


@pytest.fixture(params=BACKENDS)
def backend(request: Any, comments_settings: Any) -> str:
    """Run the test once with each sanitizer backend (flood checks off: one author posts all)."""
    comments_settings(SANITIZER=request.param, FLOOD_MAX_PER_AUTHOR=None)
    return str(request.param)


def test_the_corpus_is_big_enough() -> None:
    """At least 100 distinct hostile inputs, across every family of trick."""
    assert len(set(CORPUS)) >= 100


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_body_is_stored_as_safe_html(
    api: APIClient, post: Any, backend: str, payload: str
) -> None:
    """A hostile body is accepted or refused with a 400, and what is stored is allowlisted."""
    answer = submit(api, body=payload)
    assert answer.status_code in (201, 400)
    if answer.status_code == 201:
        stored = Comment.objects.get(pk=answer.json()["id"])
        assert answer.json()["body_html"] == stored.body_html
        assert_safe_comment_html(stored.body_html)


@pytest.mark.parametrize("payload", CORPUS)
def test_hostile_name_is_stored_as_one_line_of_text(
    api: APIClient, post: Any, payload: str
) -> None:
    """A hostile name is kept as plain text (escaped wherever it is shown), never as markup."""
    answer = submit(api, author_name=payload[:80])
    assert answer.status_code in (201, 400)
    if answer.status_code == 201:
        name = Comment.objects.get(pk=answer.json()["id"]).author_name
        assert "\n" not in name
        assert "\r" not in name
        assert answer.json()["author_name"] == name


@pytest.mark.parametrize("payload", URLS + [p for p in CORPUS if "href" in p][:20])
def test_hostile_author_url_is_refused_or_plain_http(
    api: APIClient, post: Any, payload: str
) -> None:
    """An author URL that is not a plain http(s) address is refused with a clear 400."""
    answer = submit(api, author_url=payload)
    assert answer.status_code in (201, 400)
    if answer.status_code == 201:
        url = Comment.objects.get(pk=answer.json()["id"]).author_url
        assert url_scheme(url) in {"http", "https"}
        assert is_safe_web_url(url)
    else:
        assert "http" in answer.json()["author_url"][0]


def test_post_page_renders_the_whole_corpus_safely(backend: str) -> None:
    """With every hostile comment approved, the server-rendered thread holds only safe markup."""
    from django.test import Client

    PostFactory(slug="xss")
    ids = submit_corpus("xss")
    approve_all(ids)
    section = comments_section(Client().get("/posts/xss/").content.decode())
    assert len(section.findall(".//article")) == len(ids)
    assert_safe_page_section(section, PAGE_TAGS)
