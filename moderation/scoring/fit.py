"""Fit the prior and the text signals' weights on labelled out-of-fold evidence. Pure.

Every signal's finding weight is a constant times a feature (the classifier's log-odds,
distinct link hosts, log length, ...), so a factor per signal on its default weight is the
same model as a refitted constant: an L2 logistic regression of the label on each text
signal's summed weight, the other signals' (hand-set reputation weights) entering as a
fixed offset. Out-of-fold evidence (each comment weighed by a classifier that never saw it)
is what the live scorer meets, so the fit learns how far to trust the classifier on new
text. The penalty is fixed, not tuned: 0.01 on standardised coefficients, as in the first
fit of these rules; Newton's method solves it exactly in a few steps.
"""

import math
from collections.abc import Mapping, Sequence

from moderation.scoring import Facts, Signal, Weights, run_signals, signal_name

# The signals whose weights are fitted: text only, present on any site's labelled comments.
FITTED = (
    "text_classifier",
    "links",
    "shorteners",
    "self_promotion",
    "engagement_bait",
    "length",
    "capitals",
)
L2 = 0.01
MAX_STEPS = 50

Evidence = Mapping[str, float]  # signal name -> its findings' summed default weight


def evidence(signals: Sequence[Signal], facts: Facts) -> dict[str, float]:
    """Return each signal's summed finding weight at the default weights (forces dropped)."""
    found: dict[str, float] = {}
    for signal in signals:
        for finding in run_signals([signal], facts):
            found[signal_name(signal)] = found.get(signal_name(signal), 0.0) + finding.weight
    return found


def score_with(weights: Weights, found: Evidence) -> float:
    """Return the 0..1 score `score_facts` gives with `weights` to a comment's evidence."""
    total = weights.prior + sum(w * weights.scales.get(n, 1.0) for n, w in found.items())
    return _sigmoid(total)


def fit_weights(rows: Sequence[Evidence], labels: Sequence[bool]) -> Weights:
    """Return the prior and text-signal factors that best predict `labels` (see module doc).

    A signal that never varies in `rows` (a rule that never fired) keeps its default factor.
    """
    if not rows or all(labels) or not any(labels):
        raise ValueError("fitting weights needs labelled evidence of both spam and ham")
    names = [n for n in FITTED if _spread(rows, n) > 0]
    xs = [[r.get(n, 0.0) for n in names] for r in rows]
    offsets = [sum(w for n, w in r.items() if n not in names) for r in rows]
    coefs = _newton(xs, [float(y) for y in labels], offsets, [_spread(rows, n) for n in names])
    return Weights(prior=coefs[0], scales=dict(zip(names, coefs[1:], strict=True)))


def _spread(rows: Sequence[Evidence], name: str) -> float:
    """Return the standard deviation of one signal's weight over `rows`."""
    values = [r.get(name, 0.0) for r in rows]
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def _newton(
    xs: list[list[float]], ys: list[float], offsets: list[float], spreads: list[float]
) -> list[float]:
    """Return [bias, coef...] minimising mean log-loss + L2/2 * sum (coef * spread)^2."""
    dims = len(spreads) + 1
    theta = [0.0] * dims
    penalty = [0.0] + [L2 * s * s for s in spreads]
    for _ in range(MAX_STEPS):
        grad = [p * t for p, t in zip(penalty, theta, strict=True)]
        hess = [[penalty[i] if i == j else 0.0 for j in range(dims)] for i in range(dims)]
        for x, y, off in zip(xs, ys, offsets, strict=True):
            row = [1.0, *x]
            p = _sigmoid(off + sum(t * v for t, v in zip(theta, row, strict=True)))
            for i in range(dims):
                grad[i] += (p - y) * row[i] / len(xs)
                for j in range(dims):
                    hess[i][j] += p * (1 - p) * row[i] * row[j] / len(xs)
        step = _solve(hess, grad)
        theta = [t - s for t, s in zip(theta, step, strict=True)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return theta


def _solve(matrix: list[list[float]], vector: list[float]) -> list[float]:
    """Return x with matrix @ x = vector (Gauss-Jordan with partial pivoting)."""
    n = len(vector)
    rows = [[*matrix[i], vector[i]] for i in range(n)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(rows[r][col]))
        rows[col], rows[pivot] = rows[pivot], rows[col]
        if abs(rows[col][col]) < 1e-12:
            raise ValueError("weights cannot be fitted: the evidence is degenerate")
        for r in range(n):
            if r != col:
                factor = rows[r][col] / rows[col][col]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[col], strict=True)]
    return [rows[i][n] / rows[i][i] for i in range(n)]


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 40.0), -40.0)))
