"""Learning from decisions: the classifier's tokens and the reputation tables, exactly once."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F

from comments.models import Comment, Status
from moderation import calibration
from moderation.models import Lesson, Reputation
from moderation.scoring import Facts
from moderation.scoring.classifier import TokenCounts, learn
from moderation.scoring.facts import facts_for, reputation_keys
from moderation.scoring.rules import link_decision
from moderation.scoring.store import model_add

logger = logging.getLogger(__name__)

# The label a status teaches: spam, or ham for a published comment. A rejected comment
# (off-topic, rude) teaches nothing: it is not spam, and not what the blog wants either.
LEARNED_LABELS: dict[str, str] = {Status.SPAM: "spam", Status.APPROVED: "ham"}


def comment_learn(*, comment_id: int, tell_akismet: bool = True, live: bool = True) -> str | None:
    """Bring what the scorer learned from this comment in line with its current status.

    Teaches the classifier (the comment's tokens) and the reputation tables (its e-mail,
    IP, network and link domains), and tells Akismet when it is on. Idempotent: a comment
    teaches at most one label at a time, stored in its `Lesson`; when a moderator changes
    their mind the old label is unlearned first (with exactly the tokens it taught), and a
    repeated or redelivered run changes nothing. Imported comments pass `tell_akismet=False`:
    Akismet never saw them.

    `live`: a decision this site's moderators made (the default, the path of a moderator's
    decision). Only live decisions on comments with links count in the site's link evidence
    (`rules.link_decision`), which may lift the link rule; imported comments pass
    `live=False`: their decisions may come from another site or a public corpus.
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
            _lesson_apply(
                lesson.label, lesson.tokens, lesson.reputation_keys, step=-1, links=lesson.links
            )
            lesson.delete()
        if wanted is not None:
            facts = facts_for(comment, with_model=False)
            tokens = sorted(set(facts.tokens))
            keys = [list(k) for k in reputation_keys(comment)]
            links = live and link_decision(facts, is_spam=wanted == "spam") != (0, 0)
            _lesson_apply(wanted, tokens, keys, step=+1, links=links)
            Lesson.objects.create(
                comment=comment, label=wanted, tokens=tokens, reputation_keys=keys, links=links
            )
            if tell_akismet and (wanted == "spam" or looked_spam):
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


def _lesson_apply(
    label: str, tokens: list[str], keys: list[list[str]], *, step: int, links: bool
) -> None:
    is_spam = label == "spam"
    one = (step, 0) if is_spam else (0, step)
    model_add(
        token_deltas=dict.fromkeys(tokens, one),
        spam_docs=one[0],
        ham_docs=one[1],
        link_decisions=one if links else (0, 0),
    )
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


def _reputation_add(keys: list[list[str]], label: str, delta: int) -> None:
    column = "spam" if label == "spam" else "ham"
    for kind, key in keys:
        row, _ = Reputation.objects.select_for_update().get_or_create(kind=kind, key=key)
        Reputation.objects.filter(pk=row.pk).update(**{column: F(column) + delta})
