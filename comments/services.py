"""What happens to comments: submit, edit, remove, and the one writer of status.

`comment_set_status` is the only function that changes `Comment.status`; it records the
change in the same transaction. Scoring is queued with `transaction.on_commit(...,
robust=True)`: a broker outage after commit is logged, not an error, and the periodic
sweep queues the comment later, so an accepted comment is never lost. Comment events
(created, held, approved, rejected, spam, removed) are raised here and only here, the same
way after commit, for moderator alerts, reader mail and webhooks (`moderation.events`),
when one of them may act on it.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from blog.hot_rows import fields_update, row_insert
from blog.models import Post
from comments import checks, sanitize
from comments.clientip import network_of
from comments.comment_rows import (
    ImportedComment,
    comment_ids_reserve,
    comment_insert,
    comments_insert,
)
from comments.conf import comments_setting
from comments.event_rows import events_insert
from comments.models import PATH_STEP, Comment, CommentEvent, Status
from comments.stamps import stamps_touch
from comments.tokens import avatar_hash, new_edit_token, token_matches

logger = logging.getLogger(__name__)

EDITABLE_STATUSES = frozenset({Status.PENDING, Status.APPROVED})
STATUSES = frozenset(Status.values)
# Who the history names when a submit-time check (honeypot, form timing, duplicate, flood,
# a site's guards) stores a comment as spam, and how its reason begins.
SUBMIT_CHECKS = "submit checks"
SUBMIT_CHECK_REASON = "submit check: "
# The event a change to each status raises (after commit) for alerts, mail and webhooks.
STATUS_EVENTS: dict[str, str] = {
    Status.APPROVED: "comment.approved",
    Status.REJECTED: "comment.rejected",
    Status.SPAM: "comment.spam",
    Status.REMOVED: "comment.removed",
}


class CommentError(Exception):
    """A request the rules refuse; `field` names the input at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class CommentsClosed(CommentError):
    """The post does not take comments (disabled, draft, or closed by age)."""


class EditNotAllowed(CommentError):
    """Wrong or missing edit token, the window has passed, or the comment is final."""


@dataclass(frozen=True)
class RequestContext:
    """What we keep of the submitting request, for spam checks; never shown publicly."""

    ip_address: str | None = None
    user_agent: str = ""
    referrer: str = ""


@dataclass(frozen=True)
class Submitted:
    comment: Comment
    edit_token: str


def comment_submit(
    *,
    post: Post,
    author_name: str,
    author_email: str,
    body: str,
    author_url: str = "",
    parent: Comment | None = None,
    user: User | AnonymousUser | None = None,
    context: RequestContext | None = None,
    status: str = Status.PENDING,
    status_reason: str = "submitted",
    without_form_token: bool = False,
    notify_replies: bool = False,
) -> Submitted:
    """Sanitize and save a new comment as pending, and queue it for scoring after commit."""
    if not post.comments_open:
        raise CommentsClosed("Comments are closed on this post.")
    depth = _reply_depth(post=post, parent=parent)
    context = context or RequestContext()
    token, token_hash = new_edit_token()
    comment = Comment(
        post=post,
        parent=parent,
        depth=depth,
        author_name=sanitize.plain_text(author_name),
        author_email=author_email.strip(),
        author_url=author_url.strip(),
        avatar_hash=avatar_hash(author_email),
        user=user if user is not None and user.is_authenticated else None,
        body_source=body,
        body_html=_render(body),
        ip_address=context.ip_address,
        ip_network=network_of(context.ip_address),
        user_agent=context.user_agent[:500],
        referrer=context.referrer[:500],
        edit_token_hash=token_hash,
        sent_without_form_token=without_form_token,
        edit_expires_at=timezone.now() + timedelta(seconds=comments_setting("EDIT_WINDOW_SECONDS")),
    )
    with transaction.atomic():
        # One INSERT takes the id and writes the final thread_path (no UPDATE after it).
        comment_insert(comment, parent_path=parent.thread_path if parent else "")
        _record(
            comment,
            from_status="",
            to_status=Status.PENDING,
            actor_label="author",
            reason="submitted",
        )
        _raise_event(comment, "comment.created")
        if notify_replies and status != Status.SPAM:
            from comments.notify.services import subscription_add

            subscription_add(comment=comment)
        if status != Status.PENDING:
            comment_set_status(
                comment=comment, to=status, actor_label=SUBMIT_CHECKS, reason=status_reason
            )
        else:
            _enqueue_scoring(comment)
    return Submitted(comment=comment, edit_token=token)


def comment_edit(*, comment: Comment, token: str | None, body: str) -> Comment:
    """Replace the body (author only, inside the window); the edit is sanitized and rescored."""
    _check_author(comment, token)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        _check_author(comment, token)
        comment.body_source = body
        comment.body_html = _render(body)
        comment.revision += 1  # the row is locked: no one else bumps it meanwhile
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body_source", "body_html", "revision", "edited_at"])
        # An approved comment leaves the public thread (and its ETag changes) until rescored.
        comment_set_status(
            comment=comment,
            to=Status.PENDING,
            actor_label="author",
            reason="edited by its author; scored again",
        )
        _enqueue_scoring(comment)
    return comment


def comment_remove(*, comment: Comment, token: str | None) -> Comment:
    """Withdraw a comment at its author's request (inside the edit window).

    Re-read under the row lock, like every change of status: a scoring task or a
    moderator may have decided the comment since the caller read it.
    """
    _check_author(comment, token)
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        _check_author(comment, token)
        comment_set_status(
            comment=comment,
            to=Status.REMOVED,
            actor_label="author",
            reason="withdrawn by its author",
        )
    return comment


def comment_set_status(
    *,
    comment: Comment,
    to: str,
    actor: User | None = None,
    actor_label: str = "",
    reason: str = "",
    also_save: Sequence[str] = (),
) -> bool:
    """Move `comment` to status `to` and record who, when, from, to and why.

    The only writer of `Comment.status`. Returns False (and records nothing) when the
    comment already has that status. `also_save` names other fields the caller changed on
    `comment`, written in the same UPDATE.
    """
    if to not in Status.values:
        raise ValueError(f"unknown status {to!r}; expected one of {Status.values}")
    if comment.status == to:
        return False
    # No savepoint inside a caller's transaction: nobody recovers from a failure halfway.
    with transaction.atomic(savepoint=False):
        from_status = comment.status
        comment.status = to
        fields = ["status", *also_save]
        if actor is not None:
            comment.moderated_by = actor  # type: ignore[assignment]
            comment.moderated_at = timezone.now()
            fields += ["moderated_by", "moderated_at"]
        fields_update(comment, fields)
        label = actor_label or (actor.get_username() if actor is not None else "system")
        _record(
            comment,
            from_status=from_status,
            to_status=to,
            actor_label=label,
            reason=reason,
            actor=actor,
        )
        _touch_post(comment.post_id)
        if to in STATUS_EVENTS:
            _raise_event(comment, STATUS_EVENTS[to])
    return True


@dataclass(frozen=True)
class ImportedEvent:
    """One line of an imported comment's history, with its own time."""

    at: datetime
    to_status: str
    reason: str
    actor_label: str = "import"
    from_status: str = ""


def comments_import(
    *,
    comments: Sequence[ImportedComment],
    histories: Sequence[Sequence[ImportedEvent]],
    touch_stamps: bool = True,
) -> list[int]:
    """Save imported comments with the status and history they came with; return their ids.

    Nothing is scored, sent to Akismet, notified or webhooked: the decisions were made on
    the old site. Each comment's parent (if any) must already be saved, its path in
    `parent_path`; each comment gets its id here and `thread_path` is its parent's path
    plus that id, as for any comment. The posts' comment change stamps move, as a submit
    moves them; a caller that saves several sets in one transaction passes
    `touch_stamps=False` and calls `stamps_touch` once for them all, in that transaction.
    """
    for comment, history in zip(comments, histories, strict=True):
        if comment.status not in STATUSES or not history:
            raise ValueError(f"an imported comment needs a known status and a history: {comment}")
        if any(event.to_status not in STATUSES for event in history):
            raise ValueError(f"unknown status in the history of {comment}")
    with transaction.atomic(savepoint=False):
        ids = comment_ids_reserve(len(comments))
        for comment, pk in zip(comments, ids, strict=True):
            comment.id = pk
            comment.thread_path = comment.parent_path + _path_step(pk)
        comments_insert(comments)
        events_insert(
            (pk, event.actor_label, event.from_status, event.to_status, event.reason, event.at)
            for pk, history in zip(ids, histories, strict=True)
            for event in history
        )
        if touch_stamps:
            stamps_touch({c.post_id for c in comments})
    return ids


def comments_delete(comment_ids: Sequence[int]) -> int:
    """Delete comments for good (and their replies); return how many rows went.

    Their threads changed: the posts' stamps move, so no cached page or ETag shows them.
    """
    with transaction.atomic():
        doomed = Comment.objects.filter(pk__in=comment_ids)
        post_ids = set(doomed.values_list("post_id", flat=True))
        count, _ = doomed.delete()
        stamps_touch(post_ids)
    return count


def comment_hold(*, comment: Comment, also_save: Sequence[str] = ()) -> None:
    """Keep a scored comment pending for a moderator (saving `also_save`), and say so."""
    with transaction.atomic(savepoint=False):
        if also_save:
            fields_update(comment, also_save)
        _raise_event(comment, "comment.held")


def comment_check_token(comment: Comment, token: str | None) -> bool:
    """Whether `token` is this comment's edit token (at any time, for reading it back)."""
    return token_matches(token, comment.edit_token_hash)


def _check_author(comment: Comment, token: str | None) -> None:
    if not comment_check_token(comment, token):
        raise EditNotAllowed("A valid X-Edit-Token header is required to change this comment.")
    if comment.edit_expires_at is None or timezone.now() >= comment.edit_expires_at:
        raise EditNotAllowed("The edit window for this comment has closed.")
    if comment.status not in EDITABLE_STATUSES and not _caught_at_submit(comment):
        # Never "spam": its author is shown the comment as pending (see OwnComment).
        what = "This comment" if comment.status == Status.SPAM else f"A {comment.status} comment"
        raise EditNotAllowed(f"{what} can no longer be changed.")


def _caught_at_submit(comment: Comment) -> bool:
    """Whether a bot check (honeypot, form timing), and nothing since, made this comment spam.

    Such a comment reads as pending to its author (see `OwnComment`), so they may edit it
    (it is scored again) or withdraw it, exactly as a pending one. Spam from the scorer,
    a moderator, a duplicate or flood check or a site's guard (a ban) stays decided.
    """
    if comment.status != Status.SPAM:
        return False
    last = comment.history.order_by("-created_at", "-pk").first()
    if last is None or last.to_status != Status.SPAM or last.actor_label != SUBMIT_CHECKS:
        return False
    return checks.is_bot_reason(last.reason.removeprefix(SUBMIT_CHECK_REASON))


def _reply_depth(*, post: Post, parent: Comment | None) -> int:
    if parent is None:
        return 0
    if parent.post_id != post.pk or parent.status != Status.APPROVED:
        raise CommentError(
            "You can only reply to a published comment on this post.", field="parent"
        )
    if parent.depth + 1 > comments_setting("MAX_DEPTH"):
        raise CommentError(
            "This thread is nested as deep as it can go; reply higher up.", field="parent"
        )
    return parent.depth + 1


def _path_step(pk: int) -> str:
    return str(pk).zfill(PATH_STEP)


def _render(body: str) -> str:
    return sanitize.render_comment(body, backend=comments_setting("SANITIZER"))


def _record(
    comment: Comment,
    *,
    from_status: str,
    to_status: str,
    actor_label: str,
    reason: str,
    actor: User | None = None,
) -> None:
    event = CommentEvent(
        comment=comment,
        actor=actor,
        actor_label=actor_label[:50],
        from_status=from_status,
        to_status=to_status,
        reason=reason[:500],
    )
    row_insert(event)


def _touch_post(post_id: int) -> None:
    """Mark the post's thread as changed (the thread endpoint's ETag depends on it)."""
    stamps_touch([post_id])


def _raise_event(comment: Comment, event: str) -> None:
    """Queue the event once the change is committed, if a receiver may act on it (see
    `event_wanted`); a broker outage is logged, not raised."""
    from moderation.events import event_wanted
    from moderation.tasks import comment_event

    if not event_wanted(event=event, comment=comment):
        return
    job = partial(comment_event.delay, comment.pk, event)
    job.__qualname__ = "comment_event.delay"  # type: ignore[attr-defined]
    transaction.on_commit(job, robust=True)


def _enqueue_scoring(comment: Comment) -> None:
    """Queue scoring once committed; a broker outage is logged and left to the sweep."""
    from moderation.tasks import score_comment

    job = partial(score_comment.delay, comment.pk, comment.revision)
    job.__qualname__ = "score_comment.delay"  # type: ignore[attr-defined]
    # Django's robust on_commit names the failed callable by __qualname__, which a plain
    # partial lacks: without it, a broker outage turned the submit into a 500.
    transaction.on_commit(job, robust=True)
