"""Benchmark the spam scorer leave-one-video-out on the YouTube Spam Collection.

Run: ``.venv/bin/python bench/spam_quality.py``. Pure Python; no Django needed. All scoring
goes through ``build_scorer`` so it can later be pointed at the real DB-backed code.

Data: Alberto, T.C., Lochter, J.V., Almeida, T.A. TubeSpam: Comment Spam Filtering on
YouTube. ICMLA'15, 1-6, Miami, 2015 (YouTube Spam Collection v1, CC BY 4.0), read from
``../shared/data/spam/`` and never copied into the repository.
"""

import csv
import math
import random
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moderation.scoring import classifier, text

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "spam"
CITATION = (
    "Data: YouTube Spam Collection v1 (CC BY 4.0) - Alberto, Lochter, Almeida, "
    "'TubeSpam: Comment Spam Filtering on YouTube', ICMLA'15."
)
MAX_FPR = 0.01  # spam_threshold: lowest score with inner-validation FPR at most this
MAX_SPAM_APPROVED = 0.03  # hold_threshold: highest score auto-approving at most this spam
SEED = 20151209

Row = tuple[str, bool]  # (comment text, is_spam)
Folds = dict[str, list[Row]]

# --- rule features: vocabulary-independent signals, proposed for moderation.scoring.rules

SHORTENERS = frozenset(
    {
        *("bit.ly", "goo.gl", "tinyurl.com", "t.co", "ow.ly", "is.gd", "adf.ly", "tiny.cc"),
        *("bit.do", "buff.ly", "cutt.ly", "rebrand.ly", "shorturl.at", "linkbucks.com"),
        *("adfoc.us", "sh.st"),
    }
)
SELF_PROMOTION = re.compile(
    r"\b(?:check out|check|visit|subscribe to|sub to|follow|watch)\s+(?:out\s+)?(?:my|me|our)\b"
)
FEATURES = (
    "classifier_logit",
    *("links", "shortener", "self_promotion", "log_length", "caps", "exclaims"),
)


def rule_features(raw: str) -> list[float]:
    """Return the rule signals of one comment (``FEATURES`` after the classifier)."""
    visible = text.normalize(raw, lowercase=False)
    normalized = visible.lower()
    hosts = set(text.url_hosts(normalized))
    letters = [c for c in visible if c.isalpha()]
    caps = sum(c.isupper() for c in letters) / len(letters) if len(letters) >= 8 else 0.0
    return [
        float(min(len(hosts), 3)),
        float(bool(hosts & SHORTENERS)),
        float(bool(SELF_PROMOTION.search(normalized))),
        math.log1p(len(normalized)),
        caps,
        min(visible.count("!"), 5) / 5,
    ]


def classifier_logit(counts: classifier.TokenCounts, raw: str) -> float:
    """Return the classifier's spam probability as clipped log-odds."""
    p = min(max(classifier.classify(counts, text.tokens(raw)).probability, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


# --- the scorer under test: the one place to switch to the DB-backed scoring code


@dataclass
class Scorer:
    """Classifier counts plus a logistic combination of its log-odds with rule features."""

    counts: classifier.TokenCounts
    weights: list[float] = field(default_factory=lambda: [1.0] + [0.0] * 6)
    bias: float = 0.0

    def features(self, raw: str) -> list[float]:
        """Return the combiner's inputs for one comment."""
        return [classifier_logit(self.counts, raw), *rule_features(raw)]

    def score(self, raw: str) -> float:
        """Return the combined spam score 0..1 of one comment."""
        z = self.bias + sum(w * x for w, x in zip(self.weights, self.features(raw), strict=True))
        return 1 / (1 + math.exp(-max(min(z, 30.0), -30.0)))

    def learn(self, raw: str, *, is_spam: bool) -> None:
        """Teach the classifier one moderator decision (the combiner stays fixed)."""
        classifier.learn(self.counts, text.tokens(raw), is_spam=is_spam)


def train_counts(rows: Sequence[Row]) -> classifier.TokenCounts:
    """Return classifier counts learned from ``rows``."""
    counts = classifier.TokenCounts()
    for raw, is_spam in rows:
        classifier.learn(counts, text.tokens(raw), is_spam=is_spam)
    return counts


def build_scorer(groups: Folds) -> tuple[Scorer, list[float], list[bool]]:
    """Train on labelled groups; return the scorer and its inner out-of-fold scores.

    The combiner weights are fitted on inner leave-one-group-out classifier outputs, so
    they and the thresholds never see the outer test video.
    """
    inner_x: list[list[float]] = []
    inner_y: list[bool] = []
    for held in groups:
        rest = [row for name, rows in groups.items() if name != held for row in rows]
        probe = Scorer(train_counts(rest))
        inner_x += [probe.features(raw) for raw, _ in groups[held]]
        inner_y += [is_spam for _, is_spam in groups[held]]
    weights, bias = fit_logistic(inner_x, inner_y)
    scorer = Scorer(train_counts([row for rows in groups.values() for row in rows]))
    scorer.weights, scorer.bias = weights, bias
    oof = [1 / (1 + math.exp(-max(min(_dot(weights, x) + bias, 30), -30))) for x in inner_x]
    return scorer, oof, inner_y


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    """Return the dot product of two vectors."""
    return sum(x * y for x, y in zip(a, b, strict=True))


def fit_logistic(
    xs: list[list[float]], ys: list[bool], *, l2: float = 0.01, steps: int = 300
) -> tuple[list[float], float]:
    """Fit L2-regularised logistic regression by gradient descent; return raw-scale weights."""
    dims = len(xs[0])
    mean = [sum(x[j] for x in xs) / len(xs) for j in range(dims)]
    std = [
        max(1e-9, math.sqrt(sum((x[j] - mean[j]) ** 2 for x in xs) / len(xs))) for j in range(dims)
    ]
    zs = [[(x[j] - mean[j]) / std[j] for j in range(dims)] for x in xs]
    w, b = [0.0] * dims, 0.0
    for _ in range(steps):
        grad, grad_b = [0.0] * dims, 0.0
        for z, y in zip(zs, ys, strict=True):
            err = 1 / (1 + math.exp(-max(min(_dot(w, z) + b, 30), -30))) - y
            grad_b += err
            grad = [g + err * zj for g, zj in zip(grad, z, strict=True)]
        b -= grad_b / len(zs)
        w = [wj - (g / len(zs) + l2 * wj) for wj, g in zip(w, grad, strict=True)]
    raw_w = [wj / s for wj, s in zip(w, std, strict=True)]
    return raw_w, b - sum(wj * m for wj, m in zip(raw_w, mean, strict=True))


# --- metrics


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
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def choose_thresholds(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """Return (hold_threshold, spam_threshold) from validation scores, never a fixed 0.5."""
    hams = sorted(s for s, y in zip(scores, labels, strict=True) if not y)
    spams = sorted(s for s, y in zip(scores, labels, strict=True) if y)
    allowed_fp = math.floor(MAX_FPR * len(hams))
    # Spam at or above: just above the (allowed_fp+1)-th highest ham score.
    spam_threshold = math.nextafter(hams[-1 - allowed_fp], 2.0)
    allowed_fn = math.floor(MAX_SPAM_APPROVED * len(spams))
    # Approved below: at the (allowed_fn+1)-th lowest spam score.
    hold_threshold = spams[allowed_fn]
    return min(hold_threshold, spam_threshold), spam_threshold


@dataclass
class Outcome:
    """Decision metrics of one test set at given thresholds."""

    precision: float
    recall: float
    fpr: float
    auc: float
    held: float
    spam_approved: float


def evaluate(scores: Sequence[float], labels: Sequence[bool], hold: float, spam: float) -> Outcome:
    """Return the metrics of deciding ``scores`` with (hold, spam) thresholds."""
    flagged = [s >= spam for s in scores]
    true_pos = sum(f and y for f, y in zip(flagged, labels, strict=True))
    n_spam = sum(labels)
    n_ham = len(labels) - n_spam
    return Outcome(
        precision=true_pos / max(sum(flagged), 1),
        recall=true_pos / n_spam,
        fpr=sum(f and not y for f, y in zip(flagged, labels, strict=True)) / n_ham,
        auc=roc_auc(scores, labels),
        held=sum(hold <= s < spam for s in scores) / len(scores),
        spam_approved=sum(s < hold and y for s, y in zip(scores, labels, strict=True)) / n_spam,
    )


# --- runs


def load_folds(folder: Path) -> Folds:
    """Return each video's rows, keyed by a short video name."""
    folds: Folds = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [(r["CONTENT"], r["CLASS"].strip() == "1") for r in csv.DictReader(handle)]
        folds[path.stem.split("-", 1)[-1]] = rows
    return folds


def stratified_sample(groups: Folds, size: int, seed: int) -> Folds:
    """Return ``size`` rows drawn at random, half spam and half ham, kept in their groups."""
    tagged = [(name, row) for name, rows in groups.items() for row in rows]
    rng = random.Random(seed)
    picked = []
    for label in (True, False):
        pool = [item for item in tagged if item[1][1] is label]
        picked += rng.sample(pool, size // 2)
    sample: Folds = {name: [] for name in groups}
    for name, row in picked:
        sample[name].append(row)
    return sample


def run_fold(train: Folds, test: list[Row]) -> tuple[Outcome, tuple[float, float], Scorer]:
    """Train on ``train``, choose thresholds there, and evaluate on ``test``."""
    scorer, oof, oof_labels = build_scorer(train)
    hold, spam = choose_thresholds(oof, oof_labels)
    scores = [scorer.score(raw) for raw, _ in test]
    return evaluate(scores, [y for _, y in test], hold, spam), (hold, spam), scorer


def learning_recall(scorer: Scorer, test: list[Row], spam: float) -> list[float]:
    """Score the test stream in order, learning each true label after; return quarter recalls."""
    hits: list[tuple[bool, bool]] = []
    for raw, is_spam in test:
        hits.append((scorer.score(raw) >= spam, is_spam))
        scorer.learn(raw, is_spam=is_spam)
    quarter = math.ceil(len(hits) / 4)
    parts = [hits[i : i + quarter] for i in range(0, len(hits), quarter)]
    return [sum(f for f, y in p if y) / max(sum(y for _, y in p), 1) for p in parts]


def fmt(values: Sequence[float], width: int = 8) -> str:
    """Return numbers as fixed-width table cells."""
    return "".join(f"{v:>{width}.3f}" for v in values)


def main() -> int:
    """Run every benchmark mode and print the tables; return the exit status."""
    if not DATA.is_dir() or not list(DATA.glob("*.csv")):
        print(f"spam corpus not found at {DATA}; skipping the benchmark.")
        return 0
    folds = load_folds(DATA)
    print(CITATION)
    print(f"leave-one-video-out over {len(folds)} videos, {sum(map(len, folds.values()))} rows")
    limits = f"FPR<={MAX_FPR}, spam approved<={MAX_SPAM_APPROVED}"
    print(f"thresholds: chosen by inner LOVO on the training videos only, {limits}")
    head = "precis  recall     fpr     auc    held  spam_ok    hold    spam"
    print(f"\n{'test video':<12}{head}")
    outcomes, weights, streams, elapsed, scored = [], [], [], 0.0, 0
    for name, test in folds.items():
        train = {k: v for k, v in folds.items() if k != name}
        outcome, (hold, spam), scorer = run_fold(train, test)
        outcomes.append(outcome)
        weights.append([*scorer.weights, scorer.bias])
        start = time.perf_counter()
        for raw, _ in test:
            scorer.score(raw)
        elapsed += time.perf_counter() - start
        scored += len(test)
        print(f"{name:<12}{fmt(vars(outcome).values())}{fmt([hold, spam])}")
        streams.append(learning_recall(scorer, test, spam))
    mean = [
        sum(vals) / len(vals) for vals in zip(*(vars(o).values() for o in outcomes), strict=True)
    ]
    print(f"{'mean':<12}{fmt(mean)}")
    rate = scored / elapsed
    print(f"\nthroughput: {rate:.0f} comments/s (tokens + rules + classifier), one process")
    print_cold_start(folds)
    print("\nlearning mode (moderator labels each test comment after scoring): recall per quarter")
    for name, recalls in zip(folds, streams, strict=True):
        print(f"{name:<12}{fmt(recalls)}")
    print(f"{'mean':<12}{fmt([sum(q) / len(q) for q in zip(*streams, strict=True)])}")
    print("\ncombiner weights (raw feature scale, mean over folds; logit = bias + sum w*x):")
    for label, values in zip([*FEATURES, "bias"], zip(*weights, strict=True), strict=True):
        print(f"  {label:<18}{sum(values) / len(values):>8.3f}")
    return 0


def print_cold_start(folds: Folds) -> None:
    """Print AUC and FPR when only 100 or 300 labelled training comments exist."""
    print("\ncold start (stratified sample of the training videos, seed fixed): auc / fpr")
    for size in (100, 300):
        cells = []
        for name, test in folds.items():
            train = stratified_sample({k: v for k, v in folds.items() if k != name}, size, SEED)
            outcome, _, _ = run_fold(train, test)
            cells.append(f"{name} {outcome.auc:.3f}/{outcome.fpr:.3f}")
        print(f"  n={size:<4}" + "  ".join(cells))


if __name__ == "__main__":
    sys.exit(main())
