"""Submit and preview rate limits, per client IP and per post, read from settings at call time."""

import math
from datetime import timedelta
from typing import Any

from django.utils import timezone
from rest_framework.exceptions import Throttled
from rest_framework.throttling import SimpleRateThrottle

from comments.clientip import client_ip
from comments.conf import comments_setting
from comments.models import Comment


class _SettingRateThrottle(SimpleRateThrottle):
    setting = ""

    def __init__(self) -> None:  # DRF reads rates at class definition; we read them now
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)  # type: ignore[assignment]

    def get_rate(self) -> str | None:
        return comments_setting(self.setting)  # type: ignore[no-any-return]

    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "unknown"


class SubmitIPThrottle(_SettingRateThrottle):
    """COMMENTS["SUBMIT_RATE"] (env COMMENTS_SUBMIT_RATE) submits per client IP."""

    scope = "comment_submit"
    setting = "SUBMIT_RATE"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class SubmitPostThrottle(_SettingRateThrottle):
    """COMMENTS["SUBMIT_RATE_PER_POST"] submits per post, all readers together."""

    scope = "comment_submit_post"
    setting = "SUBMIT_RATE_PER_POST"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if request.method != "POST":
            return None
        return self.cache_format % {"scope": self.scope, "ident": view.kwargs.get("slug", "")}


class PreviewThrottle(_SettingRateThrottle):
    scope = "comment_preview"
    setting = "PREVIEW_RATE"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def check_post_hourly_cap(post: Any) -> None:
    """Refuse (429) a submit to a post that had COMMENTS["MAX_COMMENTS_PER_POST_PER_HOUR"]."""
    cap = comments_setting("MAX_COMMENTS_PER_POST_PER_HOUR")
    if cap is None:
        return
    since = timezone.now() - timedelta(hours=1)
    recent = Comment.objects.filter(post=post, created_at__gte=since).order_by("-created_at")
    stamps = list(recent.values_list("created_at", flat=True)[:cap])
    if len(stamps) < cap:
        return
    wait = math.ceil((stamps[-1] + timedelta(hours=1) - timezone.now()).total_seconds())
    raise Throttled(
        wait=max(wait, 1),
        detail=(
            f"This post has had {cap} comments in the last hour, the most it takes; "
            f"please try again in {max(1, math.ceil(wait / 60))} minutes."
        ),
    )
