"""A cached thread read answered before the rest of Django is the view's own answer."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from comments.api import ThreadView
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

BLOG = "https://blog.example"
URL = "/api/v1/posts/hello-world/comments/?page_size=2"
FAST = "comments.thread_reads.CachedThreadMiddleware"


@pytest.fixture
def thread(post, settings):
    settings.COMMENTS = {**settings.COMMENTS, "ALLOWED_ORIGINS": [BLOG]}
    for _ in range(3):
        CommentFactory(post=post)
    return post


def answer(api, **headers: str) -> tuple[int, int, bytes, dict[str, str]]:
    """Return (queries, status, body, headers) of one read of URL."""
    with CaptureQueriesContext(connection) as queries:
        got = api.get(URL, **headers)
    return len(queries), got.status_code, got.content, {k.lower(): v for k, v in got.items()}


@pytest.fixture
def view_calls(monkeypatch) -> list[str]:
    """Record each time the thread view itself answers (it still answers as usual)."""
    calls: list[str] = []
    dispatch = ThreadView.dispatch

    def recorded(self, request, *args, **kwargs):
        calls.append(request.path)
        return dispatch(self, request, *args, **kwargs)

    monkeypatch.setattr(ThreadView, "dispatch", recorded)
    return calls


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_a_cached_read_has_the_views_bytes_and_headers(api, thread, settings, view_calls, accept):
    """Page and 304 from the cache carry exactly what the view answers, CORS included."""
    headers = {"HTTP_ORIGIN": BLOG, **({"HTTP_ACCEPT": accept} if accept else {})}
    api.get(URL, **headers)  # the view renders and caches the page
    cached = answer(api, **headers)
    etag = cached[3]["etag"]
    cached_304 = answer(api, HTTP_IF_NONE_MATCH=etag, **headers)
    assert len(view_calls) == 1  # the two cached reads were answered before the view
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != FAST]
    plain = APIClient(REMOTE_ADDR="203.0.113.10")  # a client loads the middleware once
    viewed, viewed_304 = answer(plain, **headers), answer(plain, HTTP_IF_NONE_MATCH=etag, **headers)
    assert len(view_calls) == 3
    assert cached[0] == cached_304[0] == 0
    assert cached[1:] == viewed[1:]
    assert cached_304[1:] == viewed_304[1:]
    assert cached_304[1] == 304
    assert cached[3]["access-control-allow-origin"] == BLOG
    assert cached[3]["vary"] == "Accept, Cookie, origin"


def test_a_read_with_a_bad_token_is_still_refused(api, thread):
    """Credentials always go to the view: a wrong API token answers 401, cached page or not."""
    api.get(URL)
    assert api.get(URL, HTTP_AUTHORIZATION="Token not-a-token").status_code == 401


def test_the_browsable_api_is_still_rendered_for_a_browser(api, thread):
    """A browser asking for HTML gets the browsable page, not the cached JSON."""
    api.get(URL)
    assert api.get(URL, HTTP_ACCEPT="text/html")["Content-Type"].startswith("text/html")
    assert api.get(URL + "&format=api")["Content-Type"].startswith("text/html")


def test_a_post_taken_back_to_draft_is_not_served_from_the_cache(api, thread):
    """A draft's thread answers 404 on the next read, though its page was cached."""
    assert api.get(URL).status_code == 200
    thread.is_draft = True
    thread.save()
    assert api.get(URL).status_code == 404
