"""Thresholds from a site's own labelled comments, by inner cross-validation. Pure.

Each fold in turn is held out: a model trained on the other folds scores it through the
scorer, and the pooled held-out scores choose the thresholds. `spam` is the lowest score
whose validation false-positive rate (ham marked spam) is at most MAX_FPR; `hold` is the
highest score that lets at most MAX_SPAM_APPROVED of the spam through unseen. Both come from
validation scores, never from a fixed 0.5. The product (`moderation.services`) and the
benchmark (`bench/spam_quality.py`) both call `calibrate`.
"""

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from moderation import policy
from moderation.scoring import Facts, Signal, score_facts
from moderation.scoring.classifier import TokenCounts, learn

MAX_FPR = 0.01  # spam threshold: at most this share of validation ham marked spam
MAX_SPAM_APPROVED = 0.03  # hold threshold: at most this share of validation spam approved
DEFAULT_FOLDS = 4  # stratified folds when the examples come in one group
# Fewer examples of either kind than this and one error moves a threshold a long way (100
# ham: 1% FPR tolerates one): too few to calibrate, the site keeps the fallbacks.
MIN_PER_CLASS = 100
SEED = 20151209


class TooFewExamples(ValueError):
    """Not enough labelled examples of one kind to choose thresholds from."""


class Labelled(Protocol):
    @property
    def is_spam(self) -> bool: ...


E = TypeVar("E", bound=Labelled)
M = TypeVar("M")
Progress = Callable[[int, int], None]  # (folds done, folds in all)


@dataclass(frozen=True)
class Example:
    """One labelled comment, as `manage.py train_spam` reads it from a CSV file."""

    text: str
    is_spam: bool
    # The page it was written on (lower-case host + path, no scheme or "www."), when known:
    # links back to it are references, not promotion (see `Facts.own_urls`).
    own_urls: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """Decision metrics of one labelled set at given thresholds."""

    precision: float
    recall: float
    fpr: float
    auc: float
    held: float
    spam_approved: float


@dataclass(frozen=True)
class Calibration:
    """The chosen thresholds, how many examples and folds chose them, and how they did."""

    hold: float
    spam: float
    examples: int
    folds: int
    validation: Outcome


def calibrate(
    groups: Sequence[Sequence[E]],
    *,
    train: Callable[[Sequence[E]], M],
    score: Callable[[M, E], float],
    progress: Progress | None = None,
) -> Calibration:
    """Choose thresholds from leave-one-group-out scores of `groups` (see the module doc)."""
    if len(groups) < 2:
        raise ValueError("calibration needs at least two folds of labelled examples")
    scores, labels = validation_scores(groups, train=train, score=score, progress=progress)
    hold, spam = choose_thresholds(scores, labels)
    return Calibration(
        hold=hold,
        spam=spam,
        examples=len(scores),
        folds=len(groups),
        validation=evaluate(scores, labels, hold, spam),
    )


def validation_scores(
    groups: Sequence[Sequence[E]],
    *,
    train: Callable[[Sequence[E]], M],
    score: Callable[[M, E], float],
    progress: Progress | None = None,
) -> tuple[list[float], list[bool]]:
    """Return each example's score by a model trained on the other groups, and its label."""
    scores: list[float] = []
    labels: list[bool] = []
    for held, group in enumerate(groups):
        model = train([e for i, g in enumerate(groups) if i != held for e in g])
        scores += [score(model, e) for e in group]
        labels += [e.is_spam for e in group]
        if progress is not None:
            progress(held + 1, len(groups))
    return scores, labels


def choose_thresholds(
    scores: Sequence[float],
    labels: Sequence[bool],
    *,
    max_fpr: float = MAX_FPR,
    max_spam_approved: float = MAX_SPAM_APPROVED,
) -> tuple[float, float]:
    """Return (hold, spam) thresholds chosen from validation scores and labels."""
    hams = sorted(s for s, y in zip(scores, labels, strict=True) if not y)
    spams = sorted(s for s, y in zip(scores, labels, strict=True) if y)
    if not hams or not spams:
        raise ValueError(
            f"calibration needs both spam and ham examples (got {len(spams)} spam, "
            f"{len(hams)} ham); add labelled comments of the missing kind"
        )
    allowed_fp = math.floor(max_fpr * len(hams))
    spam = min(math.nextafter(hams[-1 - allowed_fp], 2.0), 1.0)
    hold = spams[math.floor(max_spam_approved * len(spams))]
    return min(hold, spam), spam


def stratified_folds(
    examples: Sequence[E], k: int = DEFAULT_FOLDS, seed: int = SEED
) -> list[list[E]]:
    """Split examples into `k` folds with spam and ham dealt evenly, in a seeded order."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible split, not a secret
    folds: list[list[E]] = [[] for _ in range(k)]
    for label in (True, False):
        picked = [e for e in examples if e.is_spam is label]
        rng.shuffle(picked)
        for i, example in enumerate(picked):
            folds[i % k].append(example)
    return [f for f in folds if f]


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Return ROC AUC by the Mann-Whitney U statistic, ties counted as half."""
    order = sorted(range(len(scores)), key=scores.__getitem__)
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j < len(order) and scores[order[j]] == scores[order[i]]:
            j += 1
        for k in range(i, j):
            ranks[order[k]] = (i + j + 1) / 2  # average 1-based rank of the tie group
        i = j
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return float("nan")
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def evaluate(scores: Sequence[float], labels: Sequence[bool], hold: float, spam: float) -> Outcome:
    """Return the metrics of deciding `scores` with the production policy (mode "post")."""
    limits = policy.Thresholds(hold=hold, spam=spam)
    decided = [policy.decide(score=s, mode="post", thresholds=limits) for s in scores]
    flagged = [d == policy.Decision.SPAM for d in decided]
    pairs = list(zip(flagged, labels, strict=True))
    n_spam = sum(labels)
    n_ham = len(labels) - n_spam
    approved_spam = sum(
        d == policy.Decision.APPROVE and y for d, y in zip(decided, labels, strict=True)
    )
    return Outcome(
        precision=sum(f and y for f, y in pairs) / max(sum(flagged), 1),
        recall=sum(f and y for f, y in pairs) / max(n_spam, 1),
        fpr=sum(f and not y for f, y in pairs) / max(n_ham, 1),
        auc=roc_auc(scores, labels),
        held=sum(d == policy.Decision.HOLD for d in decided) / max(len(scores), 1),
        spam_approved=approved_spam / max(n_spam, 1),
    )


# --- the text scorer train_spam calibrates: the classifier plus every text-only signal


def text_model(examples: Sequence[Example]) -> TokenCounts:
    """Return classifier counts learned from `examples`, as `classifier_train` learns them."""
    counts = TokenCounts()
    for example in examples:
        facts = Facts(text=example.text, raw=example.text, own_urls=example.own_urls)
        learn(counts, facts.tokens, is_spam=example.is_spam)
    return counts


def text_scorer(signals: Sequence[Signal]) -> Callable[[TokenCounts, Example], float]:
    """Return a function scoring one example's text with `signals` and a trained model."""

    def score(model: TokenCounts, example: Example) -> float:
        facts = Facts(text=example.text, raw=example.text, model=model, own_urls=example.own_urls)
        return score_facts(signals, facts).value

    return score


def calibrate_texts(
    groups: Sequence[Sequence[Example]],
    signals: Sequence[Signal],
    *,
    progress: Progress | None = None,
) -> Calibration:
    """Calibrate the text scorer: one fold per group, or stratified folds for a single group.

    This is what `manage.py train_spam` stores (one group per CSV file it was given).
    """
    examples = [e for group in groups for e in group]
    spam = sum(e.is_spam for e in examples)
    if min(spam, len(examples) - spam) < MIN_PER_CLASS:
        raise TooFewExamples(
            f"too few examples to calibrate thresholds: {spam} spam and "
            f"{len(examples) - spam} ham, at least {MIN_PER_CLASS} of each are needed"
        )
    folds = [list(g) for g in groups if g] if sum(1 for g in groups if g) > 1 else None
    if folds is None:
        folds = stratified_folds(examples)
    return calibrate(folds, train=text_model, score=text_scorer(signals), progress=progress)


def page_prefixes(url: str) -> tuple[str, ...]:
    """Return a page address as `Example.own_urls` wants it (no scheme, no "www.")."""
    bare = url.strip().lower().split("://", 1)[-1].removeprefix("www.")
    return (bare,) if bare else ()
