"""What moderation does: score a comment, apply a moderator's decision, learn from it."""

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from comments.conf import moderation_setting
from comments.models import Comment, Status
from comments.services import comment_set_status
from moderation import policy
from moderation.models import Lesson, Reputation
from moderation.scoring import Score, combine, run_signals
from moderation.scoring.facts import facts_for, reputation_keys
from moderation.scoring.registry import active_signals

logger = logging.getLogger(__name__)

# A moderator's action → (the status it sets, the reason recorded).
ACTIONS: dict[str, str] = {
    "approve": Status.APPROVED,
    "reject": Status.REJECTED,
    "spam": Status.SPAM,
    "ham": Status.APPROVED,
}
DECISION_STATUS = {policy.Decision.APPROVE: Status.APPROVED, policy.Decision.SPAM: Status.SPAM}


def comment_score(*, comment_id: int, revision: int) -> str | None:
    """Score revision `revision` of a comment and apply the policy; safe to run twice.

    Returns the decision, or None when there was nothing to do: the comment is gone, was
    edited since (a newer task will score it), is no longer pending, or already scored.
    """
    with transaction.atomic():
        comment = (Comment.objects.select_for_update(of=("self",)).select_related("post", "user")
                   .filter(pk=comment_id).first())
        if comment is None or comment.revision != revision:
            return None
        if comment.status != Status.PENDING or comment.scored_revision == revision:
            return None
        score = score_of(comment)
        decision = policy.decide(
            score=score.value,
            mode=comment.post.moderation_mode,
            thresholds=thresholds(),
            trusted=_trusted(comment),
            force=score.force,
        )
        comment.spam_score = score.value
        comment.spam_reasons = score.reasons
        comment.scored_at = timezone.now()
        comment.scored_revision = revision
        comment.save(update_fields=["spam_score", "spam_reasons", "scored_at", "scored_revision"])
        if decision in DECISION_STATUS:
            comment_set_status(comment=comment, to=DECISION_STATUS[decision], actor_label="scorer",
                               reason=f"score {score.value:.2f}: {_summary(score)}")
    logger.info("scored comment %s rev %s: %.3f → %s", comment_id, revision, score.value, decision)
    return str(decision)


def score_of(comment: Comment) -> Score:
    """Run the configured signals over `comment` and combine them (no side effects)."""
    return combine(run_signals(active_signals(), facts_for(comment)))


def thresholds() -> policy.Thresholds:
    return policy.Thresholds(hold=moderation_setting("HOLD_THRESHOLD"),
                             spam=moderation_setting("SPAM_THRESHOLD"))


def comment_moderate(*, comment: Comment, action: str, actor: AbstractBaseUser,
                     reason: str = "") -> Comment:
    """Apply a moderator's `action` (approve, reject, spam, ham) and queue learning from it."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}; expected one of {sorted(ACTIONS)}")
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        changed = comment_set_status(comment=comment, to=ACTIONS[action], actor=actor,
                                     reason=reason or f"moderator: {action}")
        if not changed and comment.moderated_by_id is None:
            comment.moderated_by = actor  # type: ignore[assignment]
            comment.moderated_at = timezone.now()
            comment.save(update_fields=["moderated_by", "moderated_at"])
        _enqueue_learning(comment.pk)
    return comment


def comments_moderate(*, ids: Iterable[int], action: str, actor: AbstractBaseUser) -> list[Comment]:
    """Apply one action to many comments; return those that exist, in id order."""
    comments = Comment.objects.filter(pk__in=list(ids)).order_by("pk")
    return [comment_moderate(comment=c, action=action, actor=actor) for c in comments]


def comment_learn(*, comment_id: int) -> str | None:
    """Bring what the scorer learned from this comment in line with its current status.

    Idempotent: a comment teaches at most one label at a time; when a moderator changes
    their mind the old label is unlearned first, and a repeated run changes nothing.
    """
    with transaction.atomic():
        comment = Comment.objects.select_for_update().filter(pk=comment_id).first()
        if comment is None:
            return None
        wanted = {Status.SPAM: "spam", Status.APPROVED: "ham"}.get(comment.status)
        lesson = Lesson.objects.select_for_update().filter(comment=comment).first()
        if lesson is not None and lesson.label == wanted:
            return wanted
        if lesson is not None:
            _reputation_add(lesson.reputation_keys, lesson.label, -1)
            lesson.delete()
        if wanted is not None:
            keys = [list(k) for k in reputation_keys(comment)]
            _reputation_add(keys, wanted, +1)
            Lesson.objects.create(comment=comment, label=wanted, reputation_keys=keys)
    return wanted


def comments_sweep(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Queue scoring again for pending comments left unscored too long; return how many."""
    age = older_than or timedelta(seconds=moderation_setting("SWEEP_AFTER_SECONDS"))
    cutoff = timezone.now() - age
    stale = (Comment.objects.unscored().filter(created_at__lt=cutoff)
             .values_list("pk", "revision")[:limit])
    from moderation.tasks import score_comment

    count = 0
    for pk, revision in stale:
        score_comment.delay(pk, revision)
        count += 1
    if count:
        logger.warning("sweep queued %d unscored comment(s) again", count)
    return count


def _reputation_add(keys: list[list[str]], label: str, delta: int) -> None:
    column = "spam" if label == "spam" else "ham"
    for kind, key in keys:
        row, _ = Reputation.objects.select_for_update().get_or_create(kind=kind, key=key)
        Reputation.objects.filter(pk=row.pk).update(**{column: F(column) + delta})


def _trusted(comment: Comment) -> bool:
    if comment.user_id and comment.user and comment.user.is_staff:
        return True
    return Reputation.objects.filter(kind="email", key=comment.author_email.lower(),
                                     ham__gt=0, spam=0).exists()


def _summary(score: Score) -> str:
    return "; ".join(score.reasons[:3]) or "no signals"


def _enqueue_learning(comment_id: int) -> None:
    from moderation.tasks import learn_from_comment

    transaction.on_commit(partial(learn_from_comment.delay, comment_id), robust=True)
