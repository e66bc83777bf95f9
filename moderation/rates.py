"""Thresholds from out-of-fold scores, and honest intervals for the rates they give. Pure.

Why not the edge of the pooled validation scores: pooled out-of-fold scores come from a
different model per fold, and a new site's scores sit on yet another scale (its readers'
words are new to the model). The lowest score with at most 1% of the pooled ham above it is
decided by the handful of highest-scoring ham, nearly all from the one fold whose ham
looked least like the training ham; on a typical new site the same point is far too high
and recall drops. So each fold chooses its own edge (a site's own 1% FPR point), and the
thresholds are the folds' typical edge: the mean in log-odds (`pooled_fold_thresholds`).
The rates a site can expect at them are the pooled out-of-fold rates, with Clopper-Pearson
intervals, and the spread of the folds' own thresholds says how much a site can differ.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MAX_FPR = 0.01  # spam threshold: at most this share of a fold's ham marked spam
MAX_SPAM_APPROVED = 0.03  # hold threshold: at most this share of a fold's spam approved
CONFIDENCE = 0.95

Scored = tuple[Sequence[float], Sequence[bool]]  # one fold's scores and labels


@dataclass(frozen=True)
class Rate:
    """A share `hits / total` and its Clopper-Pearson interval."""

    hits: int
    total: int
    low: float
    high: float

    @property
    def value(self) -> float:
        return self.hits / self.total if self.total else 0.0


@dataclass(frozen=True)
class Expected:
    """What a site can expect at the chosen thresholds: pooled out-of-fold rates with
    95% intervals, and how far the folds' own spam thresholds spread (sd in log-odds)."""

    fpr: Rate
    recall: Rate
    spam_approved: Rate
    held: Rate
    fold_spam: tuple[float, ...]
    spam_spread: float


def edge_thresholds(
    scores: Sequence[float],
    labels: Sequence[bool],
    *,
    max_fpr: float = MAX_FPR,
    max_spam_approved: float = MAX_SPAM_APPROVED,
) -> tuple[float, float]:
    """Return (hold, spam) at the edge of one set: the lowest spam threshold with FPR at
    most `max_fpr`, the highest hold threshold approving at most `max_spam_approved`."""
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


def pooled_fold_thresholds(folds: Sequence[Scored]) -> tuple[float, float]:
    """Return (hold, spam): each fold's edge thresholds, averaged in log-odds."""
    edges = [edge_thresholds(scores, labels) for scores, labels in folds]
    hold = _mean_logit([h for h, _ in edges])
    spam = _mean_logit([s for _, s in edges])
    return min(hold, spam), spam


def _mean_logit(values: Sequence[float]) -> float:
    """Return the mean of `values` in log-odds, kept within them despite rounding."""
    mean = _expit(sum(_logit(v) for v in values) / len(values))
    return min(max(mean, min(values)), max(values))


def spread(values: Sequence[float]) -> float:
    """Return the sample standard deviation of `values` in log-odds (0 for one value)."""
    logits = [_logit(v) for v in values]
    if len(logits) < 2:
        return 0.0
    mean = sum(logits) / len(logits)
    return math.sqrt(sum((x - mean) ** 2 for x in logits) / (len(logits) - 1))


def expected(folds: Sequence[Scored], hold: float, spam: float) -> Expected:
    """Return the pooled out-of-fold rates at (hold, spam) and the folds' spread."""
    pairs = [(s, y) for scores, labels in folds for s, y in zip(scores, labels, strict=True)]
    ham = [s for s, y in pairs if not y]
    spammy = [s for s, y in pairs if y]
    own = tuple(edge_thresholds(scores, labels)[1] for scores, labels in folds)
    return Expected(
        fpr=rate(sum(s >= spam for s in ham), len(ham)),
        recall=rate(sum(s >= spam for s in spammy), len(spammy)),
        spam_approved=rate(sum(s < hold for s in spammy), len(spammy)),
        held=rate(sum(hold <= s < spam for s, _ in pairs), len(pairs)),
        fold_spam=own,
        spam_spread=spread(own),
    )


def rate(hits: int, total: int, confidence: float = CONFIDENCE) -> Rate:
    """Return `hits / total` with its exact (Clopper-Pearson) two-sided interval."""
    if not 0 <= hits <= total:
        raise ValueError(f"need 0 <= hits ({hits}) <= total ({total})")
    if total == 0:
        return Rate(0, 0, 0.0, 1.0)
    tail = (1 - confidence) / 2
    low = 0.0 if hits == 0 else _solve(lambda p: _binom_sf(hits, total, p) - tail)
    high = 1.0 if hits == total else _solve(lambda p: tail - _binom_cdf(hits, total, p))
    return Rate(hits, total, low, high)


def share_at_most(hits: int, total: int, share: float, confidence: float = CONFIDENCE) -> bool:
    """Whether `hits` in `total` show, at `confidence`, that the true share is at most `share`.

    That is, the one-sided Clopper-Pearson upper bound on `hits / total` is at most `share`:
    were the share `share`, this few hits would turn up with probability `1 - confidence`
    or less. With no hits that needs `total >= log(1 - confidence) / log(1 - share)` (the
    rule of three: about 3 / `share` at 95%).
    """
    if not 0 <= hits <= total:
        raise ValueError(f"need 0 <= hits ({hits}) <= total ({total})")
    if total == 0 or hits > share * total:  # the share seen is already above: no bound below
        return False
    return _binom_cdf(hits, total, share) <= 1 - confidence


def _binom_cdf(k: int, n: int, p: float) -> float:
    """Return P(X <= k) for X ~ Binomial(n, p)."""
    return sum(_binom_pmf(i, n, p) for i in range(k + 1))


def _binom_sf(k: int, n: int, p: float) -> float:
    """Return P(X >= k) for X ~ Binomial(n, p)."""
    return sum(_binom_pmf(i, n, p) for i in range(k, n + 1))


def _binom_pmf(i: int, n: int, p: float) -> float:
    if p <= 0.0:
        return 1.0 if i == 0 else 0.0
    if p >= 1.0:
        return 1.0 if i == n else 0.0
    log = math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
    return math.exp(log + i * math.log(p) + (n - i) * math.log1p(-p))


def _solve(increasing: Callable[[float], float]) -> float:
    """Return p in (0, 1) where the increasing function crosses zero (bisection)."""
    low, high = 0.0, 1.0
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if increasing(mid) < 0 else (low, mid)
    return (low + high) / 2


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def _expit(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 40.0), -40.0)))
