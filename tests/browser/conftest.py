"""Browser fixtures: headless Chromium, a host page on another origin, the widget's settings.

The API runs in pytest-django's `live_server` (http://localhost:PORT). The blog page that
embeds the widget is served by a tiny HTTP server on http://127.0.0.1:OTHERPORT, so every
request the widget makes is a real cross-origin (CORS) request.
"""

import json
import os
import shutil
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from rest_framework.authtoken.models import Token

from tests.conftest import purge_broker
from tests.factories import ModeratorFactory, PostFactory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
EXPECT_TIMEOUT_MS = 10_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium per test module (skipped when it or Playwright is missing).

    Playwright's sync API keeps an event loop running in this thread, which makes Django
    refuse ORM calls; the ORM is still used synchronously here, so allow it while the
    browser lives, and stop Playwright at the end of the module so later tests run plain.
    """
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium package to run browser tests")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[dev]'")
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@dataclass
class HostSite:
    """A blog on another origin: pages are registered per path with their own headers."""

    origin: str = ""
    pages: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)

    def add(self, path: str, html: str, headers: dict[str, str] | None = None) -> str:
        """Serve `html` at `path` and return its full URL."""
        self.pages[path] = (html, headers or {})
        return self.origin + path


def _handler(site: HostSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            html, headers = site.pages.get(self.path.split("?")[0], ("Not found", {}))
            status = 200 if self.path.split("?")[0] in site.pages else 404
            body = html.encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="session")
def host_site() -> Iterator[HostSite]:
    """An HTTP server on 127.0.0.1 (a different origin from the API on localhost)."""
    site = HostSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    site.origin = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _purge_scoring_messages() -> Iterator[None]:
    """Comments posted here queue scoring; their rows are flushed, so drop the messages too."""
    yield
    purge_broker()


@pytest.fixture
def api_origin(live_server: Any) -> str:
    return str(live_server.url)


@pytest.fixture
def widget_settings(settings: Any, host_site: HostSite) -> Any:
    """Allow the host site's origin (CORS) and let forms be sent at test speed."""
    settings.COMMENTS = {
        **settings.COMMENTS,
        "ALLOWED_ORIGINS": [host_site.origin],
        "FORM_MIN_SECONDS": 0,
    }
    return settings


def embed_page(
    api_origin: str, slug: str | None = "hello-world", extra: str = "", title: str = "A blog post"
) -> str:
    """The host page: the two-line embed snippet from API.md, plus optional extra markup."""
    thread = f'<div id="comments" data-post="{slug}"></div>' if slug else ""
    return (
        f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{title}</title></head>"
        f"<body><main><h1>{title}</h1><p>Post text.</p>{extra}{thread}</main>"
        f'<script src="{api_origin}/static/comments/embed.js" data-api="{api_origin}" async>'
        "</script></body></html>"
    )


@pytest.fixture
def moderator_token(transactional_db: None) -> str:
    """A DRF token of a moderator, for calling the live server's moderation API."""
    token, _ = Token.objects.get_or_create(user=ModeratorFactory())
    return str(token.key)


def call_api(
    url: str, *, method: str = "GET", token: str | None = None, data: dict[str, Any] | None = None
) -> tuple[int, Any]:
    """Call the live server like an API client would; return (status, JSON body)."""
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


@pytest.fixture
def blog_post(transactional_db: None) -> Any:
    return PostFactory(slug="hello-world", title="Hello, world")


@pytest.fixture
def page(browser: Any) -> Any:
    """A fresh reader for the widget tests (own storage) in the light scheme."""
    context = browser.new_context(color_scheme="light", viewport={"width": 900, "height": 900})
    yield context.new_page()
    context.close()
