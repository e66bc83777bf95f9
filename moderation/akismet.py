"""Akismet, optional: ask it about new comments, and tell it what moderators decided.

Off unless MODERATION["AKISMET_API_KEY"] is set. Uses the `akismet` library's sync client;
MODERATION["AKISMET_API_URL"] points it at another Akismet-compatible endpoint (requests
are re-addressed by a small httpx transport, since the library's base URL is fixed).
Submissions carry the ORIGINAL request context saved with the comment at submit time.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import akismet
import httpx

from comments.models import Comment
from moderation.conf import moderation_setting
from moderation.scoring import Facts, Finding

logger = logging.getLogger(__name__)

OFFICIAL_URL = "https://rest.akismet.com"
SPAM_WEIGHT = 4.0


class _Readdress(httpx.BaseTransport):
    """Send the library's requests to `base` instead of rest.akismet.com."""

    def __init__(self, base: str) -> None:
        self.base = httpx.URL(base.rstrip("/") + "/")
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = self.base.join(request.url.raw_path.decode().lstrip("/"))
        request.headers["Host"] = self.base.netloc.decode()
        return self.inner.handle_request(request)


def akismet_enabled() -> bool:
    """Whether an Akismet key is configured."""
    return bool(moderation_setting("AKISMET_API_KEY"))


@contextmanager
def akismet_client() -> Iterator[akismet.SyncClient]:
    """Yield a client for the configured key, site and endpoint (no verify-key round trip)."""
    config = akismet.Config(
        key=moderation_setting("AKISMET_API_KEY"), url=moderation_setting("AKISMET_BLOG_URL")
    )
    base = moderation_setting("AKISMET_API_URL")
    transport = None if base.rstrip("/") == OFFICIAL_URL else _Readdress(base)
    with httpx.Client(
        transport=transport,
        timeout=moderation_setting("AKISMET_TIMEOUT"),
        headers={"User-Agent": akismet.USER_AGENT},
    ) as http:
        yield akismet.SyncClient(config=config, http_client=http)


def comment_arguments(comment: Comment) -> dict[str, Any]:
    """Return Akismet's arguments for `comment`, from what was stored at submit time."""
    args: dict[str, Any] = {
        "user_ip": comment.ip_address or "",
        "user_agent": comment.user_agent,
        "referrer": comment.referrer,
        "permalink": _permalink(comment),
        "comment_type": "reply" if comment.parent_id else "comment",
        "comment_author": comment.author_name,
        "comment_author_email": comment.author_email,
        "comment_author_url": comment.author_url,
        "comment_content": comment.body_source,
        "comment_date_gmt": comment.created_at.isoformat(),
        "blog_charset": "UTF-8",
    }
    if moderation_setting("AKISMET_IS_TEST"):
        args["is_test"] = 1
    return {k: v for k, v in args.items() if v not in ("", None)}


def _permalink(comment: Comment) -> str:
    """Return the address of the post the comment was made on (absolute)."""
    url = comment.post.public_url
    if url.startswith(("http://", "https://")):
        return url
    return str(moderation_setting("AKISMET_BLOG_URL")).rstrip("/") + url


PREFETCHED = "akismet"  # Facts.extra key of a verdict asked before the comment was locked


def akismet_check(facts: Facts) -> Finding | None:
    """Signal: Akismet's comment-check verdict (None when off, or Akismet unreachable).

    Uses the verdict the worker asked for before locking the comment, when there is one.
    """
    if PREFETCHED in facts.extra:
        prefetched = facts.extra[PREFETCHED]
        return prefetched if isinstance(prefetched, Finding) else None
    comment = facts.extra.get("comment")
    if not akismet_enabled() or not isinstance(comment, Comment):
        return None
    return akismet_verdict(comment)


def akismet_verdict(comment: Comment) -> Finding | None:
    """Ask Akismet's comment-check about `comment` (None when Akismet is unreachable)."""
    args = comment_arguments(comment)
    try:
        with akismet_client() as client:
            verdict = client.comment_check(args.pop("user_ip", ""), **args)
    except akismet.AkismetError as exc:
        logger.warning("Akismet comment-check failed, scoring without it: %s", exc)
        return None
    if verdict == akismet.CheckResponse.DISCARD:
        return Finding(SPAM_WEIGHT + 2.0, "Akismet: blatant spam")
    if verdict == akismet.CheckResponse.SPAM:
        return Finding(SPAM_WEIGHT, "Akismet: spam")
    return Finding(-0.5, "")


def akismet_submit(comment: Comment, *, is_spam: bool) -> bool:
    """Tell Akismet a moderator's verdict (submit-spam / submit-ham); False when off."""
    if not akismet_enabled():
        return False
    args = comment_arguments(comment)
    with akismet_client() as client:
        ip = args.pop("user_ip", "")
        return bool(client.submit_spam(ip, **args) if is_spam else client.submit_ham(ip, **args))
