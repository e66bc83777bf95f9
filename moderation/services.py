"""What moderation does: score a comment, apply a moderator's decision, learn from it."""

import logging
from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import timedelta

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from comments.conf import FALLBACK_THRESHOLDS, moderation_setting
from comments.models import Comment, Status
from comments.services import comment_set_status
from moderation import calibration, policy
from moderation.models import BlockRule, Lesson, Reputation
from moderation.scoring import Facts, Score, combine, run_signals
from moderation.scoring.classifier import TokenCounts, learn
from moderation.scoring.facts import facts_for, reputation_keys
from moderation.scoring.registry import active_signals
from moderation.scoring.store import calibration_current, calibration_store, model_add

logger = logging.getLogger(__name__)

# A moderator's action → (the status it sets, the reason recorded).
ACTIONS: dict[str, str] = {
    "approve": Status.APPROVED,
    "reject": Status.REJECTED,
    "spam": Status.SPAM,
    "ham": Status.APPROVED,
}
# The label a status teaches: spam, or ham for a published comment. A rejected comment
# (off-topic, rude) teaches nothing: it is not spam, and not what the blog wants either.
LEARNED_LABELS: dict[str, str] = {Status.SPAM: "spam", Status.APPROVED: "ham"}
DECISION_STATUS = {policy.Decision.APPROVE: Status.APPROVED, policy.Decision.SPAM: Status.SPAM}


def comment_score(*, comment_id: int, revision: int) -> str | None:
    """Score revision `revision` of a comment and apply the policy; safe to run twice.

    Returns the decision, or None when there was nothing to do: the comment is gone, was
    edited since (a newer task will score it), is no longer pending, or already scored.
    """
    prefetched = _akismet_before_lock(comment_id, revision)
    with transaction.atomic():
        _commit_without_waiting_for_disk()
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("post", "user")
            .filter(pk=comment_id)
            .first()
        )
        if comment is None or comment.revision != revision:
            return None
        if comment.status != Status.PENDING or comment.scored_revision == revision:
            return None
        score, trusted = _assess(comment, prefetched)
        decision = policy.decide(
            score=score.value,
            mode=comment.post.moderation_mode,
            thresholds=thresholds_in_effect(recent=True)[0],  # model stamp just checked
            trusted=trusted,
            force=score.force,
            hold_score=score.hold_value,
        )
        comment.spam_score = score.value
        comment.spam_reasons = score.reasons
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
            comment.save(update_fields=fields)
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


STATUS_DECISION: dict[str, str] = {
    Status.APPROVED: "approve",
    Status.PENDING: "hold",
    Status.SPAM: "spam",
}


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


def score_of(comment: Comment) -> Score:
    """Run the configured signals over `comment` and combine them (no side effects)."""
    return _assess(comment)[0]


def _assess(comment: Comment, prefetched: dict[str, object] | None = None) -> tuple[Score, bool]:
    """Return the comment's score, and whether its author is trusted (staff, or only
    approved comments so far): what the policy needs, from one gathering of facts."""
    facts = facts_for(comment)
    facts.extra.update(prefetched or {})
    trusted = facts.is_staff or bool(facts.approved_by_author and not facts.spam_by_author)
    return combine(run_signals(active_signals(), facts)), trusted


def thresholds() -> policy.Thresholds:
    """Return the thresholds in effect: the operator's, else calibrated, else the fallbacks.

    Each of MODERATION HOLD_THRESHOLD / SPAM_THRESHOLD wins when set; an unset one comes
    from the pair `train_spam` calibrated (read with the model's version stamp, so every
    worker follows a new calibration), else from FALLBACK_THRESHOLDS in comments/conf.py.
    """
    return thresholds_in_effect()[0]


def thresholds_in_effect(*, recent: bool = False) -> tuple[policy.Thresholds, str]:
    """Return the thresholds in effect and where they come from (for moderators to see).

    `recent`: the caller just loaded the model, whose stamp query read the calibration.
    """
    hold, spam = moderation_setting("HOLD_THRESHOLD"), moderation_setting("SPAM_THRESHOLD")
    if hold is not None and spam is not None:
        return policy.Thresholds(hold=min(hold, spam), spam=spam), "MODERATION settings"
    calibrated = calibration_current(recent=recent)
    if calibrated is not None:
        base = (calibrated.hold, calibrated.spam)
        source = f"calibrated by train_spam on {calibrated.examples} labelled comments"
    else:
        base = (FALLBACK_THRESHOLDS["HOLD_THRESHOLD"], FALLBACK_THRESHOLDS["SPAM_THRESHOLD"])
        source = "fallbacks (not calibrated yet: run manage.py train_spam)"
    if hold is not None or spam is not None:
        source = f"MODERATION settings, the rest {source}"
    hold = base[0] if hold is None else hold
    spam = base[1] if spam is None else spam
    return policy.Thresholds(hold=min(hold, spam), spam=spam), source


def thresholds_calibrate(
    *, groups: Sequence[Sequence[calibration.Example]], progress: calibration.Progress | None = None
) -> calibration.Calibration:
    """Choose thresholds by cross-validating the scorer on labelled comments, and store them.

    One fold per group (a CSV file), or stratified folds when there is one group; see
    `moderation.calibration`. Raises `calibration.TooFewExamples` below its minimum.
    """
    found = calibration.calibrate_texts(groups, active_signals(), progress=progress)
    calibration_store(hold=found.hold, spam=found.spam, examples=found.examples)
    return found


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


def comment_learn(*, comment_id: int) -> str | None:
    """Bring what the scorer learned from this comment in line with its current status.

    Teaches the classifier (the comment's tokens) and the reputation tables (its e-mail,
    IP, network and link domains), and tells Akismet when it is on. Idempotent: a comment
    teaches at most one label at a time, stored in its `Lesson`; when a moderator changes
    their mind the old label is unlearned first (with exactly the tokens it taught), and a
    repeated or redelivered run changes nothing.
    """
    with transaction.atomic():
        comment = (
            Comment.objects.select_for_update(of=("self",))
            .select_related("post")
            .filter(pk=comment_id)
            .first()
        )
        if comment is None:
            return None
        wanted = LEARNED_LABELS.get(comment.status)
        lesson = Lesson.objects.select_for_update().filter(comment=comment).first()
        if lesson is not None and lesson.label == wanted:
            return wanted
        # Akismet wants ham reports only for its mistakes: comments that looked like spam.
        looked_spam = (lesson is not None and lesson.label == "spam") or any(
            r.startswith("Akismet") for r in comment.spam_reasons or []
        )
        if lesson is not None:
            _lesson_apply(lesson.label, lesson.tokens, lesson.reputation_keys, step=-1)
            lesson.delete()
        if wanted is not None:
            tokens = sorted(set(facts_for(comment, with_model=False).tokens))
            keys = [list(k) for k in reputation_keys(comment)]
            _lesson_apply(wanted, tokens, keys, step=+1)
            Lesson.objects.create(
                comment=comment, label=wanted, tokens=tokens, reputation_keys=keys
            )
            if wanted == "spam" or looked_spam:
                pk, label = comment.pk, wanted
                transaction.on_commit(lambda: _tell_akismet(pk, label), robust=True)
    return wanted


def classifier_train(
    *, texts: Iterable[tuple[str, bool]] | Iterable[calibration.Example]
) -> tuple[int, int]:
    """Teach the classifier labelled texts in one write (no comments, no reputation).

    Returns (spam, ham) counts learned. Used by `manage.py train_spam` to bootstrap.
    """
    counts = TokenCounts()
    for item in texts:
        example = item if isinstance(item, calibration.Example) else calibration.Example(*item)
        facts = Facts(text=example.text, raw=example.text, own_urls=example.own_urls)
        learn(counts, facts.tokens, is_spam=example.is_spam)
    model_add(token_deltas=counts.counts, spam_docs=counts.spam_docs, ham_docs=counts.ham_docs)
    return counts.spam_docs, counts.ham_docs


def _lesson_apply(label: str, tokens: list[str], keys: list[list[str]], *, step: int) -> None:
    is_spam = label == "spam"
    one = (step, 0) if is_spam else (0, step)
    model_add(token_deltas=dict.fromkeys(tokens, one), spam_docs=one[0], ham_docs=one[1])
    _reputation_add(keys, label, step)


def _tell_akismet(comment_id: int, label: str) -> None:
    from moderation.akismet import akismet_enabled, akismet_submit

    if not akismet_enabled():
        return
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is not None:
        try:
            akismet_submit(comment, is_spam=label == "spam")
        except Exception:  # Akismet is advisory: never undo a moderator's decision for it
            logger.warning(
                "Akismet submit-%s failed for comment %s", label, comment_id, exc_info=True
            )


def comments_sweep(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Queue scoring again for pending comments left unscored too long; return how many.

    Safe to run often and from several processes at once: each comment revision is queued
    at most once per SWEEP_AFTER_SECONDS (an atomic claim in the shared cache, so a backlog
    is not multiplied), and the task ignores a revision already scored, so the rare
    duplicate costs one no-op. A broker still down ends the round; the next sweep retries.
    """
    every = moderation_setting("SWEEP_AFTER_SECONDS")
    cutoff = timezone.now() - (older_than if older_than is not None else timedelta(seconds=every))
    stale = (
        Comment.objects.unscored()
        .filter(created_at__lt=cutoff)
        .filter(Q(edited_at__isnull=True) | Q(edited_at__lt=cutoff))
        .order_by("pk")
        .values_list("pk", "revision")[:limit]
    )
    count = 0
    for pk, revision in stale:
        key = f"moderation:swept:{pk}:{revision}"
        if not _sweep_claim(key, every):
            continue
        if not _sweep_enqueue(pk, revision, key):
            break
        count += 1
    if count:
        logger.warning("sweep queued %d unscored comment(s) again", count)
    return count


def _sweep_claim(key: str, seconds: int) -> bool:
    try:
        return bool(cache.add(key, 1, timeout=max(int(seconds), 1)))
    except Exception:  # a cache outage must not stop the sweep: queue, the task is idempotent
        logger.warning("sweep: cache unavailable, queueing without a claim", exc_info=True)
        return True


def _sweep_enqueue(pk: int, revision: int, key: str) -> bool:
    from moderation.tasks import score_comment

    try:
        score_comment.delay(pk, revision)
    except Exception as error:  # kombu raises its own OperationalError for a dead broker
        logger.warning("sweep could not reach the broker (%s); the next sweep retries", error)
        with suppress(Exception):  # a claim left behind only delays the next try
            cache.delete(key)
        return False
    return True


def person_forget(*, email: str, ips: Iterable[str] = ()) -> int:
    """Forget what moderation remembers about one person (GDPR erasure); return rows deleted.

    Deletes the `Reputation` rows of their e-mail and of every IP address their comments
    came from (plus `ips`), and takes those keys out of every `Lesson` holding them, so
    that unlearning such a comment later neither recreates the rows nor counts below zero.
    Network (/24, /64) and link-domain rows stay: they describe many people, not one.
    """
    email = email.strip().lower()
    seen = Comment.objects.filter(author_email__iexact=email, ip_address__isnull=False)
    if not email:  # an empty address would match every anonymous and erased comment
        seen = seen.none()
    ips = {*ips, *(ip for ip in seen.values_list("ip_address", flat=True) if ip)}
    forgotten = {("email", email)} if email else set()
    forgotten |= {("ip", ip) for ip in ips}
    if not forgotten:
        return 0
    holders = Q(comment__author_email__iexact=email) if email else Q(pk__in=[])
    for _, key in forgotten:
        holders |= Q(reputation_keys__icontains=key)
    with transaction.atomic():
        for lesson in Lesson.objects.select_for_update().filter(holders):
            kept = [k for k in lesson.reputation_keys if tuple(k) not in forgotten]
            if len(kept) != len(lesson.reputation_keys):
                lesson.reputation_keys = kept
                lesson.save(update_fields=["reputation_keys"])
        rows = Q(pk__in=[])
        for kind, key in forgotten:
            rows |= Q(kind=kind, key=key)
        deleted, _ = Reputation.objects.filter(rows).delete()
        _blocklist_notes_forget({key for _, key in forgotten})
    logger.info("forgot the reputation of one person: %d row(s)", deleted)
    return deleted


def _blocklist_notes_forget(identifiers: set[str]) -> None:
    """Take the person's e-mail and IPs out of the notes the operator left on blocklist rules.

    The rules themselves stay: a pattern blocks what it matches, whoever sent it.
    """
    from comments.privacy import mentions_erase

    named = Q(pk__in=[])
    for identifier in identifiers:
        named |= Q(note__icontains=identifier)
    for rule in BlockRule.objects.select_for_update().filter(named):
        note = mentions_erase(rule.note, identifiers)
        if note != rule.note:
            BlockRule.objects.filter(pk=rule.pk).update(note=note)


def _reputation_add(keys: list[list[str]], label: str, delta: int) -> None:
    column = "spam" if label == "spam" else "ham"
    for kind, key in keys:
        row, _ = Reputation.objects.select_for_update().get_or_create(kind=kind, key=key)
        Reputation.objects.filter(pk=row.pk).update(**{column: F(column) + delta})


def _summary(score: Score) -> str:
    return "; ".join(score.reasons[:3]) or "no signals"


def _enqueue_learning(comment_id: int) -> None:
    from moderation.tasks import learn_from_comment

    # Not a partial: Django's robust on_commit logs a failure with func.__qualname__.
    transaction.on_commit(lambda: learn_from_comment.delay(comment_id), robust=True)
