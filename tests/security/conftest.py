"""Helpers for the abuse and security tests: a valid submit, and plain HTTP to a live server."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework.test import APIClient


def comment_payload(**overrides: Any) -> dict[str, Any]:
    """Return a valid submit body; keyword arguments replace or add fields."""
    return {
        "author_name": "Ada Reader",
        "author_email": "ada@example.org",
        "body": "A perfectly ordinary comment.",
        **overrides,
    }


def submit(client: APIClient, slug: str = "hello-world", **overrides: Any) -> Any:
    """POST a comment through the public API; HTTP_* keywords are request headers."""
    meta = {k: v for k, v in overrides.items() if k.startswith(("HTTP_", "REMOTE_"))}
    fields = {k: v for k, v in overrides.items() if k not in meta}
    return client.post(
        f"/api/v1/posts/{slug}/comments/", comment_payload(**fields), format="json", **meta
    )


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def http(
    method: str,
    url: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> Answer:
    """Send one real HTTP request and return its status, headers (lower-case) and text."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(  # noqa: S310 (tests talk to their own live server)
        url,
        data=data,
        method=method,
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return Answer(
                response.status,
                {k.lower(): v for k, v in response.headers.items()},
                response.read().decode(),
            )
    except urllib.error.HTTPError as error:
        return Answer(
            error.code, {k.lower(): v for k, v in error.headers.items()}, error.read().decode()
        )


@pytest.fixture
def comments_settings(settings: Any) -> Any:
    """Override single COMMENTS keys for one test: `comments_settings(SUBMIT_RATE="3/min")`."""

    def override(**values: Any) -> None:
        settings.COMMENTS = {**settings.COMMENTS, **values}

    return override


# Headless Chromium and a host site on another origin, shared with the widget's tests.
from tests.browser.conftest import browser, host_site, widget_settings  # noqa: E402, F401
