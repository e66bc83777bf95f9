"""Submit-time checks: honeypot, signed form timestamp, duplicate body, flood control.

Cheap, in the request, before anything is queued. The widget fetches a form token when it
shows the form and sends it back with the comment; API clients need none (anonymous ones
may post with only a name, an e-mail and a body; token-authenticated ones skip the timing
check altogether). Each check returns a `Refusal` or None; the caller applies the action
the settings choose: "reject" answers 4xx, "spam" saves the comment as spam with the reason.
"""

import re
import time
from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db.models import Q
from django.utils import timezone

from comments.conf import comments_setting
from comments.models import Comment, Status

_SALT = "comments.form-token"


@dataclass(frozen=True)
class Refusal:
    """Why a submit was refused, which setting decides the action, and a retry delay."""

    reason: str
    action: str  # "reject" or "spam"
    retry_after: int | None = None  # seconds, for flood control (429)


def form_token_issue() -> str:
    """Return a signed token carrying the time the form was shown."""
    return signing.dumps({"t": time.time()}, salt=_SALT, compress=False)


# What `bot_check` answers: a comment stored as spam for one of these reads as pending to
# its author, who may still edit or withdraw it (see comments.services).
BOT_REASONS = re.compile(
    r"honeypot field was filled in|form token is invalid|form token has expired; reload the "
    r"page|form sent -?[0-9.]+s after it was shown \(too fast for a person\)"
)


def is_bot_reason(reason: str) -> bool:
    """Whether `reason` is one `bot_check` gives (not a duplicate, flood or site guard)."""
    return BOT_REASONS.fullmatch(reason) is not None


def bot_check(*, honeypot: str, form_token: str, api_client: bool) -> str | None:
    """Return why this submit looks automated, or None when it passes."""
    if honeypot.strip():
        return "honeypot field was filled in"
    if not form_token or api_client:
        return None  # API clients post without the widget; the scorer still runs
    try:
        shown_at = float(signing.loads(form_token, salt=_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return "form token is invalid"
    age = time.time() - shown_at
    if age < comments_setting("FORM_MIN_SECONDS"):
        return f"form sent {age:.1f}s after it was shown (too fast for a person)"
    if age > comments_setting("FORM_MAX_SECONDS"):
        return "form token has expired; reload the page"
    return None


def form_token_missing(*, form_token: str, api_client: bool) -> bool:
    """Whether an anonymous client sent no form token (and so skipped the timing check)."""
    return not form_token and not api_client


def form_token_scored(*, form_token: str, api_client: bool) -> bool:
    """Whether the missing form token is to be a spam signal (FORM_TOKEN_MISSING "score")."""
    missing = form_token_missing(form_token=form_token, api_client=api_client)
    return missing and comments_setting("FORM_TOKEN_MISSING") == "score"


def duplicate_check(*, post_id: int, body: str, author_email: str) -> Refusal | None:
    """Refuse a body the same author (e-mail) already posted on this post recently."""
    window = comments_setting("DUPLICATE_WINDOW_SECONDS")
    if not window:
        return None
    since = timezone.now() - timedelta(seconds=window)
    found = (
        Comment.objects.filter(
            author_email__iexact=author_email.strip(),
            post_id=post_id,
            created_at__gte=since,
            body_source=body,
        )
        .exclude(status=Status.REMOVED)
        .exists()
    )
    if not found:
        return None
    return Refusal(
        "the same comment was already posted on this post", comments_setting("DUPLICATE_ACTION")
    )


def flood_check(*, author_email: str, ip_address: str | None) -> Refusal | None:
    """Refuse an author or address that posted too many comments in the flood window."""
    window = comments_setting("FLOOD_WINDOW_SECONDS")
    since = timezone.now() - timedelta(seconds=window)
    recent = Comment.objects.filter(created_at__gte=since)
    limits = [
        (
            "author",
            Q(author_email__iexact=author_email.strip()),
            comments_setting("FLOOD_MAX_PER_AUTHOR"),
        )
    ]
    if ip_address:
        limits.append(("address", Q(ip_address=ip_address), comments_setting("FLOOD_MAX_PER_IP")))
    for who, match, limit in limits:
        if limit and recent.filter(match).count() >= limit:
            return Refusal(
                f"more than {limit} comments from this {who} in {window // 60} minutes",
                comments_setting("FLOOD_ACTION"),
                retry_after=window,
            )
    return None
