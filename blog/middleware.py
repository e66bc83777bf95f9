"""Middleware: security headers, oversize requests (413), API 404s, database and cache
outages (503), and 301s from a post's old address."""

import io
import re
from collections.abc import Callable

from django.core.handlers.wsgi import LimitedStream
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from rest_framework.response import Response

from comments.errors import outage_detail

Handler = Callable[[HttpRequest], HttpResponse]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeadersMiddleware:
    """A strict Content-Security-Policy and friends on every answer, static files included.

    Outermost, so answers made early (static files, 413, 503) get them too; a view that set
    its own (the avatar SVGs' tighter policy) keeps it.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE (413), declared or chunked.

    A chunked body (no Content-Length) is read up to the limit when the server has decoded
    the framing (`wsgi.input_terminated`, as gunicorn does) and handed on as a plain body;
    a server that cannot frame it gets 411, so the body is never silently dropped.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse({"detail": "Content-Length is not a number."}, status=400)
        if limit is not None and length > limit:
            return _too_large(request, f"The request body is {length} bytes; the limit is {limit}.")
        if not length and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return self._chunked(request, limit) or self.get_response(request)
        return self.get_response(request)

    def _chunked(self, request: HttpRequest, limit: int | None) -> HttpResponse | None:
        if not request.META.get("wsgi.input_terminated"):
            return JsonResponse(
                {"detail": "Send the request body with a Content-Length."}, status=411
            )
        body = request.META["wsgi.input"].read(-1 if limit is None else limit + 1)
        if limit is not None and len(body) > limit:
            return _too_large(request, f"The request body is over the limit of {limit} bytes.")
        request._stream = LimitedStream(io.BytesIO(body), len(body))  # type: ignore[assignment]
        request.META["CONTENT_LENGTH"] = str(len(body))
        return None


# What to send instead, by what was sent: a comment, a bulk decision, anything else.
TOO_LARGE_HINTS = [
    (re.compile(r"^/api/v1/moderation/comments/bulk/$"), "Split the ids over several requests."),
    (re.compile(r"^/api/v1/moderation/"), "Send a smaller request body."),
    (
        re.compile(r"^/api/v1/(posts/[^/]+/comments|comments/\d+|preview)/$"),
        "Send a shorter comment.",
    ),
]


def _too_large(request: HttpRequest, message: str) -> HttpResponse:
    hint = next(
        (text for pattern, text in TOO_LARGE_HINTS if pattern.match(request.path)),
        "Send a smaller request body.",
    )
    return JsonResponse({"detail": f"{message} {hint}"}, status=413)


class ApiNotFoundMiddleware:
    """Answer every 404 under /api/ in JSON, DRF's shape, with DEBUG on or off.

    Unmatched API paths never reach a DRF view, so Django would answer with its HTML page
    (the technical one under DEBUG, which `make run` uses). Outside CommonMiddleware, so
    its redirect of `/api/v1/posts` to `/api/v1/posts/` still happens first. DRF's own
    answers are left as they are (its browsable API is HTML on purpose).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not isinstance(response, Response)
        ):
            return JsonResponse({"detail": "Not found."}, status=404)
        return response


class NulInQueryMiddleware:
    """Refuse a query string carrying a NUL character (400): PostgreSQL cannot store or
    compare one, so a filter like `?post=%00` would otherwise fail inside the database."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pairs = request.GET.lists()
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in pairs):
            return JsonResponse(
                {"detail": "The query string contains a NUL character (%00); remove it."},
                status=400,
            )
        return self.get_response(request)


class UnavailableMiddleware:
    """Answer 503 with Retry-After, not 500, while the database or the cache cannot be reached."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        detail = outage_detail(exception)
        if detail is None:
            return None
        response = JsonResponse({"detail": detail}, status=503)
        response["Retry-After"] = "5"
        return response


class OldAddressRedirectMiddleware:
    """Answer 301 to the post page for a post's old address (its front matter's `url`).

    Only where nothing else answered (a 404 to a GET or HEAD), as Django's redirects app
    does: an old address can never shadow a page, the API or the admin.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        if request.path.startswith(("/api/", "/admin/", "/static/")):
            return response
        from blog.models import Post

        try:
            post = Post.objects.published().at_old_address(request.path).first()
        except DatabaseError:
            return response  # the 404 stands; the database's trouble shows elsewhere
        if post is None:
            return response
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(
            post.get_absolute_url() + (f"?{query}" if query else "")
        )
