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
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import connection
from django.utils import timezone

from comments.conf import comments_setting
from comments.models import Comment, Status

_SALT = "comments.form-token"
_IP_FIELD = Comment._meta.get_field("ip_address")


@dataclass(frozen=True)
class Refusal:
    """Why a submit was refused, which setting decides the action, and a retry delay."""

    reason: str
    action: str  # "reject" or "spam"
    retry_after: int | None = None  # seconds, for flood control (429)
    duplicate: bool = False  # the same body again (400), not too many (429)


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


def history_check(
    *, post_id: int, body: str, author_email: str, ip_address: str | None
) -> Refusal | None:
    """Refuse a duplicate body, then a flooding author or address: one query for all three.

    A duplicate is the same body from the same author (e-mail) on the same post within
    DUPLICATE_WINDOW_SECONDS (not counting removed comments); a flood is more than
    FLOOD_MAX_PER_AUTHOR / FLOOD_MAX_PER_IP comments in FLOOD_WINDOW_SECONDS. The counts
    come from one aggregate over the author's (and address's) recent rows, found through
    the author index.
    """
    now = timezone.now()
    limits = _limits(ip_address)
    duplicate_since = _since(now, comments_setting("DUPLICATE_WINDOW_SECONDS"))
    flood_window = comments_setting("FLOOD_WINDOW_SECONDS")
    if duplicate_since is None and not limits:
        return None
    found = _recent_counts(
        post_id=post_id,
        body=body,
        email=author_email.strip(),
        ip_address=ip_address if "address" in limits else None,
        duplicate_since=duplicate_since,
        flood_since=now - timedelta(seconds=flood_window) if limits else None,
    )
    if found["duplicate"]:
        return Refusal(
            "the same comment was already posted on this post",
            comments_setting("DUPLICATE_ACTION"),
            duplicate=True,
        )
    for who, limit in limits.items():
        if found[who] >= limit:
            return Refusal(
                f"more than {limit} comments from this {who} in {flood_window // 60} minutes",
                comments_setting("FLOOD_ACTION"),
                retry_after=flood_window,
            )
    return None


def _recent_counts(
    *,
    post_id: int,
    body: str,
    email: str,
    ip_address: str | None,
    duplicate_since: datetime | None,
    flood_since: datetime | None,
) -> dict[str, int]:
    """Count the author's duplicates and recent comments, and the address's, in one statement.

    Written out rather than built by the ORM: every submit asks, and building the filtered
    aggregate cost several times running it. The author matches case-insensitively as
    `iexact` does, in the form the `comment_author_recent` index holds (UPPER of the
    address). A count that is not asked for (its window or limit unset, or no address)
    is 0; rows are read from the oldest window asked for.
    """
    ops = connection.ops
    q, at = ops.quote_name, ops.adapt_datetimefield_value
    author, created = f"UPPER({q('author_email')}) = UPPER(%s)", f"{q('created_at')} >= %s"
    address = f"{q('ip_address')} = %s"
    ip = _IP_FIELD.get_db_prep_value(ip_address, connection) if ip_address else None
    counts: dict[str, tuple[str, list[Any]]] = {}
    if duplicate_since is not None:
        same = f"{q('post_id')} = %s AND {q('body_source')} = %s AND {q('status')} <> %s"
        counts["duplicate"] = (
            f"{author} AND {same} AND {created}",
            [email, post_id, body, Status.REMOVED.value, at(duplicate_since)],
        )
    rows, rows_params = author, [email]
    if flood_since is not None:
        counts["author"] = (f"{author} AND {created}", [email, at(flood_since)])
    if flood_since is not None and ip is not None:
        counts["address"] = (f"{address} AND {created}", [ip, at(flood_since)])
        rows, rows_params = f"({author} OR {address})", [email, ip]
    since = min(moment for moment in (duplicate_since, flood_since) if moment is not None)
    # Names come from the model and are quoted; every value is a parameter.
    sql = (
        "SELECT "  # noqa: S608
        + ", ".join(f"COUNT(CASE WHEN {match} THEN 1 END)" for match, _ in counts.values())
        + f" FROM {q(Comment._meta.db_table)} WHERE {rows} AND {created}"
    )
    params = [value for _, values in counts.values() for value in values]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *rows_params, at(since)])
        row = cursor.fetchone()
    found = dict.fromkeys(("duplicate", "author", "address"), 0)
    found.update(zip(counts, map(int, row), strict=True))
    return found


def _since(now: datetime, seconds: int | None) -> datetime | None:
    return now - timedelta(seconds=seconds) if seconds else None


def _limits(ip_address: str | None) -> dict[str, int]:
    """Return the flood limits in force: {"author"|"address": at most so many}."""
    limits: dict[str, int] = {}
    per_author = comments_setting("FLOOD_MAX_PER_AUTHOR")
    if per_author:
        limits["author"] = per_author
    per_ip = comments_setting("FLOOD_MAX_PER_IP")
    if per_ip and ip_address:
        limits["address"] = per_ip
    return limits
