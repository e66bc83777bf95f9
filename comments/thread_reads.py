"""The widget's thread read, answered from the cached stamp and page before the rest of Django.

Like Django's FetchFromCacheMiddleware: an anonymous JSON read of a thread whose stamp and
rendered page are both cached is answered here, after the security, CORS and size checks
and before sessions, CSRF, authentication, messages, URL resolution and DRF's dispatch,
none of which change that answer. The answer is the view's own (same bytes, same
headers); anything else (a first read, a signed-in reader, the browsable API, a 404) goes
on to `comments.api.ThreadView`, which renders and caches the page.
"""

import hashlib
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from comments import pages, stamps

JSON = "application/json"
# What ThreadView's answers carry besides the ETag: DRF's Allow and Vary: Accept, and the
# Cookie that Django's session middleware adds to Vary once DRF's session auth has looked.
ANSWER_HEADERS = {"Vary": "Accept, Cookie", "Allow": "GET, POST, HEAD, OPTIONS"}
# Accept headers for which DRF picks the JSON renderer with the plain media type.
JSON_ACCEPTS = frozenset({"", "*/*", JSON})


def thread_etag(post_id: int, changed_at: datetime, full_path: str) -> str:
    """A thread page changes only when the post's comments change (or the page asked)."""
    stamp = f"{post_id}:{changed_at.isoformat()}:{full_path}"
    return '"' + hashlib.sha256(stamp.encode()).hexdigest()[:32] + '"'


def if_none_match(header: str) -> set[str]:
    """Return the entity tags of an If-None-Match header, weak ones compared as strong."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


class CachedThreadMiddleware:
    """Answer an anonymous JSON thread read from the cache: 304 from the stamp, or the page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        prefix, _, suffix = reverse("comments:thread", kwargs={"slug": "slug"}).rpartition("slug")
        self.prefix, self.suffix = prefix, suffix

    def __call__(self, request: HttpRequest) -> HttpResponse:
        slug = self._plain_read(request)
        answer = self._cached_answer(request, slug) if slug else None
        return answer if answer is not None else self.get_response(request)

    def _plain_read(self, request: HttpRequest) -> str:
        """Return the slug of an anonymous JSON thread read, or "" for anything else."""
        path = request.path_info
        if request.method not in ("GET", "HEAD") or not path.startswith(self.prefix):
            return ""
        slug = path[len(self.prefix) : -len(self.suffix)]
        plain = (
            path.endswith(self.suffix)
            and slug.replace("-", "").replace("_", "").isascii()
            and slug.replace("-", "").replace("_", "").isalnum()
            and "HTTP_AUTHORIZATION" not in request.META
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and request.META.get("HTTP_ACCEPT", "").strip() in JSON_ACCEPTS
            and "format" not in request.GET
        )
        return slug if plain else ""

    def _cached_answer(self, request: HttpRequest, slug: str) -> HttpResponse | None:
        stamp = stamps.cached_thread_stamp(slug)
        if stamp is None:
            return None
        etag = thread_etag(stamp.post_id, stamp.changed_at, request.get_full_path())
        if etag in if_none_match(request.META.get("HTTP_IF_NONE_MATCH", "")):
            not_modified = HttpResponse(status=304)
            del not_modified["Content-Type"]  # no body, so no type: as DRF answers
            return _answer(not_modified, etag)
        key = pages.page_key(stamp.post_id, stamp.changed_at, request.build_absolute_uri(), JSON)
        page = pages.page_get(key)
        if page is None:
            return None
        return _answer(HttpResponse(page, content_type=JSON), etag, cache_control="no-cache")


def _answer(response: HttpResponse, etag: str, cache_control: str = "") -> HttpResponse:
    response["ETag"] = etag
    if cache_control:
        response["Cache-Control"] = cache_control
    for name, value in ANSWER_HEADERS.items():
        response[name] = value
    response["Content-Length"] = str(len(response.content))  # CommonMiddleware is not reached
    return response
