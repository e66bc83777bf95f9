"""The submit guard: every check a submit passes before it is saved, in one service.

Comments' own checks (bot, duplicate, flood; see `comments.checks`) run first, then the
guards a site lists in COMMENTS["SUBMIT_GUARDS"] (dotted paths, such as moderation's bans).
That setting is how the submit path reaches other apps without importing them: `comments`
knows `moderation` only through its tasks. A guard refuses with a `SubmitRefused` error,
or returns why the comment is to be stored as spam; the caller holds the author's lock.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.utils.module_loading import import_string

from comments import checks
from comments.conf import comments_setting
from comments.services import CommentError


@dataclass(frozen=True)
class Submission:
    """What the guards may look at: the submit's values and where it comes from."""

    post_id: int
    author_email: str
    body: str
    ip_address: str | None = None
    user_id: int | None = None
    honeypot: str = ""
    form_token: str = ""
    api_client: bool = False


class SubmitRefused(CommentError):
    """A submit the guard refuses (400 with `field`, else 403)."""


class SubmitForbidden(SubmitRefused):
    """A submit refused for who sends it (403), e.g. a banned author."""


class SubmitThrottled(SubmitRefused):
    """Too many submits (429); `retry_after` seconds until the next may pass."""

    def __init__(self, message: str, *, retry_after: int | None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


Guard = Callable[[Submission], str | None]


def submit_guard(*, submission: Submission) -> str | None:
    """Run every submit check: raise `SubmitRefused`, or return why to store it as spam.

    None means the comment is saved pending and scored as usual.
    """
    reason = _own_checks(submission)
    if reason:
        return reason
    for guard in site_guards():
        reason = guard(submission)
        if reason:
            return reason
    return None


def site_guards() -> list[Guard]:
    """Return the guards listed in COMMENTS["SUBMIT_GUARDS"], imported once per list."""
    return list(_load(tuple(comments_setting("SUBMIT_GUARDS"))))


@cache
def _load(paths: tuple[str, ...]) -> tuple[Guard, ...]:
    return tuple(import_string(path) for path in paths)


def _own_checks(submission: Submission) -> str | None:
    """Bot, duplicate and flood checks: raise for a refusal set to "reject"; return a reason."""
    bot = checks.bot_check(
        honeypot=submission.honeypot,
        form_token=submission.form_token,
        api_client=submission.api_client,
    )
    if bot and comments_setting("BOT_CHECK_ACTION") == "reject":
        raise SubmitRefused(f"Your comment was not accepted: {bot}.", field="form_token")
    if bot:
        return bot
    missing = checks.form_token_missing(
        form_token=submission.form_token, api_client=submission.api_client
    )
    if missing and comments_setting("FORM_TOKEN_MISSING") == "require":
        raise SubmitRefused(
            "This site needs a form token: GET /api/v1/form-token/ when you show the form "
            "and send its form_token with the comment (or use an API token).",
            field="form_token",
        )
    refusal = checks.history_check(
        post_id=submission.post_id,
        body=submission.body,
        author_email=submission.author_email,
        ip_address=submission.ip_address,
    )
    if refusal and refusal.action == "reject" and refusal.duplicate:
        raise SubmitRefused("You already posted this comment here.", field="body")
    if refusal and refusal.action == "reject":
        raise SubmitThrottled(
            f"Too many comments: {refusal.reason}. Please wait and try again.",
            retry_after=refusal.retry_after,
        )
    return refusal.reason if refusal else None
