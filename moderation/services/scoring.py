"""Scoring a comment: gather facts, run the signals, apply the policy (and rescoring)."""

import logging
from dataclasses import replace

from django.db import connection, transaction
from django.utils import timezone

from blog.hot_rows import KeyedRead
from comments.models import Comment, Status
from comments.services import comment_hold, comment_set_status
from moderation import policy
from moderation.breaker import breaker_mode
from moderation.scoring import Score, combine, run_signals
from moderation.scoring.facts import facts_for
from moderation.scoring.registry import active_signals
from moderation.scoring.store import weights_current
from moderation.services.thresholds import thresholds, thresholds_in_effect
from moderation.trust import trust_hold

logger = logging.getLogger(__name__)

# The comment to score under its row lock, with its post, compiled once per process. Not
# the user: most comments have none, and joining it for all of them costs more than
# reading it for the few that do.
_LOCKED_WITH_POST = KeyedRead(
    lambda pk: (
        Comment.objects.select_for_update(of=("self",))
        .select_related("post")
        .filter(pk=pk)
        .order_by()
    )
)
DECISION_STATUS = {policy.Decision.APPROVE: Status.APPROVED, policy.Decision.SPAM: Status.SPAM}
STATUS_DECISION: dict[str, str] = {
    Status.APPROVED: "approve",
    Status.PENDING: "hold",
    Status.SPAM: "spam",
}


def comment_score(*, comment_id: int, revision: int) -> str | None:
    """Score revision `revision` of a comment and apply the policy; safe to run twice.

    Returns the decision, or None when there was nothing to do: the comment is gone, was
    edited since (a newer task will score it), is no longer pending, or already scored.
    """
    prefetched = _akismet_before_lock(comment_id, revision)
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        comment = _LOCKED_WITH_POST.first(comment_id)
        if comment is None or comment.revision != revision:
            return None
        if comment.status != Status.PENDING or comment.scored_revision == revision:
            return None
        score, trusted = _assess(comment, prefetched)
        limits = thresholds_in_effect(recent=True)[0]  # model stamp just checked
        mode, breaker = breaker_mode(comment.post, hold=limits.hold)
        decision = policy.decide(
            score=score.value,
            mode=mode,
            thresholds=limits,
            trusted=trusted,
            force=score.force,
            hold_score=score.hold_value,
            cap=score.cap,
        )
        comment.spam_score = score.value
        comment.spam_reasons = [*score.reasons, breaker] if breaker else score.reasons
        comment.scored_at = timezone.now()
        comment.scored_revision = revision
        fields = ["spam_score", "spam_reasons", "scored_at", "scored_revision"]
        if decision in DECISION_STATUS:
            comment_set_status(
                comment=comment,
                to=DECISION_STATUS[decision],
                actor_label="scorer",
                reason=f"score {score.value:.2f}: {_summary(score)}",
                also_save=fields,
            )
        else:
            comment_hold(comment=comment, also_save=fields)
            _enqueue_clustering(comment_id)
    logger.info("scored comment %s rev %s: %.3f → %s", comment_id, revision, score.value, decision)
    return str(decision)


def _commit_without_waiting_for_disk() -> None:
    """Let PostgreSQL acknowledge this transaction's commit before it reaches the disk.

    A verdict is derived data: the comment itself was committed durably at submit. Should
    the database crash in the instant before the write reaches disk, the comment is simply
    pending and unscored again, and the sweep scores it. Waiting for the flush would cost
    a scoring more than all its queries.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _akismet_before_lock(comment_id: int, revision: int) -> dict[str, object]:
    """Ask Akismet before the row lock, so a slow answer never holds it (up to its timeout).

    Returns the Facts extras carrying the verdict, or {} when Akismet is off, not among the
    signals, or the revision is no longer one to score (re-checked under the lock anyway).
    """
    from moderation.akismet import PREFETCHED, akismet_check, akismet_enabled, akismet_verdict

    if not akismet_enabled() or akismet_check not in active_signals():
        return {}
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if (
        comment is None
        or comment.revision != revision
        or comment.status != Status.PENDING
        or comment.scored_revision == revision
    ):
        return {}
    return {PREFETCHED: akismet_verdict(comment)}


def comment_rescore(*, comment_id: int, apply: bool = False) -> tuple[str, str]:
    """Score a comment again with today's scorer; return (decision before, decision now).

    Comments a moderator decided keep their decision (both values are the same). With
    `apply`, the new score is stored and a scorer-decided comment moves to its new status.
    """
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("post", "user")
            .get(pk=comment_id)
        )
        before = STATUS_DECISION.get(comment.status, comment.status)
        if comment.moderated_by_id is not None or comment.status not in STATUS_DECISION:
            return before, before
        score, trusted = _assess(comment)
        after = str(
            policy.decide(
                score=score.value,
                mode=comment.post.moderation_mode,
                thresholds=thresholds(),
                trusted=trusted,
                force=score.force,
                hold_score=score.hold_value,
                cap=score.cap,
            )
        )
        if apply:
            comment.spam_score, comment.spam_reasons = score.value, score.reasons
            comment.scored_at = timezone.now()
            comment.save(update_fields=["spam_score", "spam_reasons", "scored_at"])
            if after != before:
                to = {"approve": Status.APPROVED, "hold": Status.PENDING, "spam": Status.SPAM}
                comment_set_status(
                    comment=comment,
                    to=to[after],
                    actor_label="rescore",
                    reason=f"rescored {score.value:.2f}: {_summary(score)}",
                )
    return before, after


def _assess(comment: Comment, prefetched: dict[str, object] | None = None) -> tuple[Score, bool]:
    """Return the comment's score, and whether its author is trusted (staff, or only
    approved comments so far): what the policy needs, from one gathering of facts."""
    facts = facts_for(comment)
    facts.extra.update(prefetched or {})
    trusted = facts.is_staff or bool(facts.approved_by_author and not facts.spam_by_author)
    weights = weights_current(recent=facts.model is not None)  # read with the model's stamp
    score = combine(run_signals(active_signals(), facts, weights), prior=weights.prior)
    held = trust_hold(comment, facts)
    if held:  # the site's trust rules hold what the score alone would approve
        score = replace(score, reasons=[*score.reasons, held], force=score.force or "hold")
    return score, trusted


def _summary(score: Score) -> str:
    return "; ".join(score.reasons[:3]) or "no signals"


def _enqueue_clustering(comment_id: int) -> None:
    """Queue a held comment for clustering once its verdict commits (its own task, so a
    slow or failing clustering never delays or undoes a verdict)."""
    from moderation.tasks import cluster_comment

    transaction.on_commit(lambda: cluster_comment.delay(comment_id), robust=True)
