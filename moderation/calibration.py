"""Weights and thresholds from a site's own labelled comments, by cross-validation. Pure.

Each fold in turn is held out: a model trained on the other folds weighs its comments
through the scorer's signals (out-of-fold evidence). The prior and the text signals'
weights are fitted on that evidence (`moderation.scoring.fit`), and the thresholds are
chosen from the out-of-fold scores under those weights by `moderation.rates` (each fold's
own 1% FPR / 3% spam-approved point, averaged across folds), never from a fixed 0.5. The
product (`moderation.services`) and the benchmark (`bench/spam_quality.py`) both call
`calibrate`.
"""

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from moderation import policy, rates
from moderation.rates import MAX_FPR, MAX_SPAM_APPROVED, Expected
from moderation.scoring import DEFAULT_WEIGHTS, Facts, Signal, Weights, fit
from moderation.scoring.classifier import TokenCounts, learn

__all__ = ["MAX_FPR", "MAX_SPAM_APPROVED"]

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
    """The fitted weights, chosen thresholds, how many examples and folds chose them, and
    how they did out of fold."""

    hold: float
    spam: float
    examples: int
    folds: int
    validation: Outcome
    weights: Weights = DEFAULT_WEIGHTS
    expected: Expected | None = None


def calibrate(
    groups: Sequence[Sequence[E]],
    *,
    train: Callable[[Sequence[E]], M],
    weigh: Callable[[M, E], fit.Evidence],
    progress: Progress | None = None,
    fit_weights: bool = True,
    edge: bool = False,
) -> Calibration:
    """Fit weights and choose thresholds from leave-one-group-out evidence (module doc).

    `fit_weights=False` keeps the default weights; `edge=True` takes the pooled scores'
    edge instead of the folds' typical one (the old rule, kept for the benchmark).
    """
    if len(groups) < 2:
        raise ValueError("calibration needs at least two folds of labelled examples")
    found = validation_evidence(groups, train=train, weigh=weigh, progress=progress)
    flat = [e for fold in found for e in fold[0]]
    labels = [y for fold in found for y in fold[1]]
    weights = fit.fit_weights(flat, labels) if fit_weights else DEFAULT_WEIGHTS
    folds = [([fit.score_with(weights, e) for e in ev], ys) for ev, ys in found]
    scores = [s for fold, _ in folds for s in fold]
    if edge:
        hold, spam = rates.edge_thresholds(scores, labels)
    else:
        hold, spam = rates.pooled_fold_thresholds(folds)
    return Calibration(
        hold=hold,
        spam=spam,
        examples=len(scores),
        folds=len(groups),
        validation=evaluate(scores, labels, hold, spam),
        weights=weights,
        expected=rates.expected(folds, hold, spam),
    )


def validation_evidence(
    groups: Sequence[Sequence[E]],
    *,
    train: Callable[[Sequence[E]], M],
    weigh: Callable[[M, E], fit.Evidence],
    progress: Progress | None = None,
) -> list[tuple[list[fit.Evidence], list[bool]]]:
    """Return per group its examples' evidence by a model trained on the other groups."""
    found: list[tuple[list[fit.Evidence], list[bool]]] = []
    for held, group in enumerate(groups):
        model = train([e for i, g in enumerate(groups) if i != held for e in g])
        found.append(([weigh(model, e) for e in group], [e.is_spam for e in group]))
        if progress is not None:
            progress(held + 1, len(groups))
    return found


def expected_summary(found: Calibration) -> dict[str, object]:
    """Return the expected rates as stored with the thresholds: [value, low, high] each."""
    if found.expected is None:
        return {}
    ex = found.expected
    named = {"fpr": ex.fpr, "recall": ex.recall, "spam_approved": ex.spam_approved}
    summary: dict[str, object] = {
        name: [r.value, r.low, r.high] for name, r in {**named, "held": ex.held}.items()
    }
    summary["fold_spam"] = list(ex.fold_spam)
    summary["spam_spread"] = ex.spam_spread
    return summary


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


def evaluate(
    scores: Sequence[float],
    labels: Sequence[bool],
    hold: float,
    spam: float,
    capped: Sequence[bool] | None = None,
) -> Outcome:
    """Return the metrics of deciding `scores` with the production policy (mode "post").

    `capped`: per comment, whether the scorer capped it at hold (too little evidence).
    """
    limits = policy.Thresholds(hold=hold, spam=spam)
    caps = capped if capped is not None else [False] * len(scores)
    decided = [
        policy.decide(score=s, mode="post", thresholds=limits, cap="hold" if c else None)
        for s, c in zip(scores, caps, strict=True)
    ]
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


def text_weigher(signals: Sequence[Signal]) -> Callable[[TokenCounts, Example], fit.Evidence]:
    """Return a function weighing one example's text with `signals` and a trained model."""

    def weigh(model: TokenCounts, example: Example) -> fit.Evidence:
        facts = Facts(text=example.text, raw=example.text, model=model, own_urls=example.own_urls)
        return fit.evidence(signals, facts)

    return weigh


def calibrate_texts(
    groups: Sequence[Sequence[Example]],
    signals: Sequence[Signal],
    *,
    progress: Progress | None = None,
    fit_weights: bool = True,
    edge: bool | None = None,
) -> Calibration:
    """Calibrate the text scorer: one fold per group, or stratified folds for a single group.

    This is what `manage.py train_spam` stores (one group per CSV file it was given);
    `fit_weights` and `edge` as in `calibrate`. By default (`edge` None) separate groups
    get the folds' typical thresholds (each group is a source of its own, as a new site
    will be), and stratified folds of one group the pooled edge: random folds of one
    source differ only by chance, and a small fold's own 1% point is mostly noise.
    """
    examples = [e for group in groups for e in group]
    spam = sum(e.is_spam for e in examples)
    if min(spam, len(examples) - spam) < MIN_PER_CLASS:
        raise TooFewExamples(
            f"too few examples to calibrate thresholds: {spam} spam and "
            f"{len(examples) - spam} ham, at least {MIN_PER_CLASS} of each are needed"
        )
    folds = [list(g) for g in groups if g] if sum(1 for g in groups if g) > 1 else None
    if edge is None:
        edge = folds is None
    if folds is None:
        folds = stratified_folds(examples)
    return calibrate(
        folds,
        train=text_model,
        weigh=text_weigher(signals),
        progress=progress,
        fit_weights=fit_weights,
        edge=edge,
    )


def page_prefixes(url: str) -> tuple[str, ...]:
    """Return a page address as `Example.own_urls` wants it (no scheme, no "www.")."""
    bare = url.strip().lower().split("://", 1)[-1].removeprefix("www.")
    return (bare,) if bare else ()
