"""A moderator's decision on one comment or many; each decision queues learning from it."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from comments.models import Comment, Status
from comments.services import comment_set_status

# A moderator's action → the status it sets.
ACTIONS: dict[str, str] = {
    "approve": Status.APPROVED,
    "reject": Status.REJECTED,
    "spam": Status.SPAM,
    "ham": Status.APPROVED,
}


def comment_moderate(*, comment: Comment, action: str, actor: User, reason: str = "") -> Comment:
    """Apply a moderator's `action` (approve, reject, spam, ham) and queue learning from it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {sorted(ACTIONS)}")
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        changed = comment_set_status(
            comment=comment,
            to=ACTIONS[action],
            actor=actor,
            reason=reason or f"moderator: {action}",
        )
        if not changed and comment.moderated_by_id is None:
            comment.moderated_by = actor  # type: ignore[assignment]
            comment.moderated_at = timezone.now()
            comment.save(update_fields=["moderated_by", "moderated_at"])
        _enqueue_learning(comment.pk)
    return comment


def comments_moderate(*, ids: Iterable[int], action: str, actor: User) -> list[Comment]:
    """Apply one action to many comments; return those that exist, in id order."""
    comments = Comment.objects.filter(pk__in=list(ids)).order_by("pk")
    return [comment_moderate(comment=c, action=action, actor=actor) for c in comments]


def _enqueue_learning(comment_id: int) -> None:
    from moderation.tasks import learn_from_comment

    # Not a partial: Django's robust on_commit logs a failure with func.__qualname__.
    transaction.on_commit(lambda: learn_from_comment.delay(comment_id), robust=True)
