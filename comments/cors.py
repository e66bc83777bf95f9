"""CORS for the widget and the API: the origins in COMMENTS["ALLOWED_ORIGINS"], read per request.

django-cors-headers asks its `check_request_enabled` signal about origins missing from its
own setting, which stays empty: the operator's list has one home, read at call time.
"""

from typing import Any
from urllib.parse import urlsplit

from django.http import HttpRequest

from comments.conf import comments_setting


def origin_allowed(sender: Any, request: HttpRequest, **kwargs: Any) -> bool:
    """Return whether the request's Origin is one of COMMENTS["ALLOWED_ORIGINS"]."""
    origin = _normal(request.headers.get("Origin", ""))
    allowed = {_normal(entry) for entry in comments_setting("ALLOWED_ORIGINS")}
    return origin is not None and origin in allowed


def _normal(origin: str) -> str | None:
    """Return scheme://host[:port] in lower case, or None for "null" and other non-origins."""
    parts = urlsplit(origin.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()
