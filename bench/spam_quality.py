"""Benchmark the spam scorer leave-one-video-out on the YouTube Spam Collection.

Run: ``.venv/bin/python bench/spam_quality.py [--no-db]``. Scores through the production
code: the signal functions listed in MODERATION["SIGNALS"] (loaded by the same registry the
worker uses), ``moderation.scoring.score_facts`` and ``moderation.policy.decide``. Facts are
built in memory (classifier counts and reputation as the database would hold them after
moderators decided the training comments); the throughput part also scores through
``moderation.services.comment_score`` on a throwaway test database.

Data: Alberto, T.C., Lochter, J.V., Almeida, T.A. TubeSpam: Comment Spam Filtering on
YouTube. ICMLA'15, 1-6, Miami, 2015 (YouTube Spam Collection v1, CC BY 4.0), read from
``../shared/data/spam/`` and never copied into the repository.
"""

import csv
import math
import os
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from moderation import calibration  # noqa: E402
from moderation.calibration import Outcome, choose_thresholds, evaluate  # noqa: E402
from moderation.conf import FALLBACK_THRESHOLDS, MODERATION_DEFAULTS  # noqa: E402
from moderation.scoring import Facts, score_facts  # noqa: E402
from moderation.scoring import classifier as bayes  # noqa: E402
from moderation.scoring import text as textmod  # noqa: E402
from moderation.scoring.registry import active_signals  # noqa: E402
from moderation.scoring.reputation import (  # noqa: E402
    reputation_fields,
    reputation_keys,
    reputation_learn,
)

DATA = ROOT.parent / "shared" / "data" / "spam"
CITATION = (
    "Data: YouTube Spam Collection v1 (CC BY 4.0) - Alberto, Lochter, Almeida, "
    "'TubeSpam: Comment Spam Filtering on YouTube', ICMLA'15."
)
MAX_FPR = calibration.MAX_FPR  # spam threshold: lowest score with inner FPR at most this
MAX_SPAM_APPROVED = calibration.MAX_SPAM_APPROVED  # hold: highest, approving at most this spam
SEED = 20151209


# The page each video's comments were made on, as a blog's facts carry its post's URL.
VIDEO_IDS = {
    "Psy": "9bZkp7q19f0",
    "KatyPerry": "CevxZvSJLk8",
    "LMFAO": "KQ6zr6kCPj8",
    "Eminem": "uelHwf8o7_U",
}


@dataclass(frozen=True)
class Row:
    text: str
    author: str
    is_spam: bool
    video: str = ""

    @property
    def own_urls(self) -> tuple[str, ...]:
        """Return the addresses of the video page itself (host + path prefixes)."""
        vid = VIDEO_IDS.get(self.video, "").lower()
        return (f"youtube.com/watch?v={vid}", f"youtu.be/{vid}") if vid else ()


Folds = dict[str, list[Row]]


@dataclass
class Scorer:
    """What the database would hold after moderators decided some comments."""

    counts: bayes.TokenCounts = field(default_factory=bayes.TokenCounts)
    reputation: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)

    def facts(self, row: Row) -> Facts:
        """Return the facts the worker would gather for this comment."""
        email = f"{row.author.lower()}@youtube.invalid"
        hosts = textmod.url_hosts(
            textmod.without_own_links(textmod.normalize(row.text), row.own_urls)
        )
        return Facts(
            text=textmod.normalize(row.text, lowercase=False),
            raw=row.text,
            author_name=row.author,
            author_email=email,
            model=self.counts,
            own_urls=row.own_urls,
            **reputation_fields(self.reputation, email=email, ip=None, network="", domains=hosts),
        )

    def score(self, row: Row) -> float:
        """Return the production scorer's 0..1 score of one comment."""
        return score_facts(active_signals(), self.facts(row)).value

    def learn(self, row: Row) -> None:
        """Teach one moderator decision: classifier tokens and reputation, as the worker does."""
        facts = self.facts(row)
        bayes.learn(self.counts, facts.tokens, is_spam=row.is_spam)
        keys = reputation_keys(
            email=facts.author_email,
            ip=None,
            network="",
            domains=textmod.url_hosts(facts.normalized),
        )
        reputation_learn(self.reputation, keys, is_spam=row.is_spam)


def trained(rows: Sequence[Row]) -> Scorer:
    """Return a scorer that learned every row."""
    scorer = Scorer()
    for row in rows:
        scorer.learn(row)
    return scorer


def inner_scores(groups: Folds) -> tuple[list[float], list[bool]]:
    """Return leave-one-group-out scores inside the training videos (for thresholds)."""
    return calibration.validation_scores(
        list(groups.values()), train=trained, score=lambda scorer, row: scorer.score(row)
    )


def product_thresholds(groups: Folds) -> tuple[float, float]:
    """Return what `manage.py train_spam` would store after training on these videos.

    One CSV file per video, so one fold per video, each comment with the address of the
    page it was written on (train_spam's --url-column); the product's own calibration.
    """
    examples = [
        [calibration.Example(r.text, r.is_spam, r.own_urls) for r in rows]
        for rows in groups.values()
    ]
    try:
        found = calibration.calibrate_texts(examples, active_signals())
    except calibration.TooFewExamples:
        return FALLBACK_THRESHOLDS["HOLD_THRESHOLD"], FALLBACK_THRESHOLDS["SPAM_THRESHOLD"]
    return found.hold, found.spam


# --- runs


def load_folds(folder: Path) -> Folds:
    """Return each video's rows, keyed by a short video name."""
    folds: Folds = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            video = path.stem.split("-", 1)[-1]
            rows = [
                Row(r["CONTENT"], r["AUTHOR"], r["CLASS"].strip() == "1", video)
                for r in csv.DictReader(handle)
            ]
        folds[video] = rows
    return folds


def stratified_sample(groups: Folds, size: int, seed: int) -> Folds:
    """Return ``size`` rows drawn at random, half spam and half ham, kept in their groups."""
    tagged = [(name, row) for name, rows in groups.items() for row in rows]
    rng = random.Random(seed)
    picked = []
    for label in (True, False):
        picked += rng.sample([item for item in tagged if item[1].is_spam is label], size // 2)
    sample: Folds = {name: [] for name in groups}
    for name, row in picked:
        sample[name].append(row)
    return sample


def learning_recall(
    scorer: Scorer, test: list[Row], spam: float, *, learn: bool = True
) -> list[float]:
    """Score the test stream in order (learning each true label after, if `learn`).

    Returns the recall in each quarter of the stream.
    """
    hits: list[tuple[bool, bool]] = []
    for row in test:
        hits.append((scorer.score(row) >= spam, row.is_spam))
        if learn:
            scorer.learn(row)
    quarter = math.ceil(len(hits) / 4)
    parts = [hits[i : i + quarter] for i in range(0, len(hits), quarter)]
    return [sum(f for f, y in p if y) / max(sum(y for _, y in p), 1) for p in parts]


def fmt(values: Sequence[float], width: int = 8) -> str:
    """Return numbers as fixed-width table cells."""
    return "".join(f"{v:>{width}.3f}" for v in values)


HEAD = "precis  recall     fpr     auc    held  spam_ok    hold    spam"


def print_table(title: str, rows: list[tuple[str, Outcome, float, float]]) -> None:
    """Print one table of per-video outcomes and their mean."""
    print(f"\n{title}\n{'test video':<12}{HEAD}")
    for name, outcome, hold, spam in rows:
        print(f"{name:<12}{fmt(vars(outcome).values())}{fmt([hold, spam])}")
    mean = [sum(v) / len(v) for v in zip(*(vars(o).values() for _, o, _, _ in rows), strict=True)]
    print(f"{'mean':<12}{fmt(mean)}")


def main() -> int:
    """Run every benchmark mode and print the tables; return the exit status."""
    if not DATA.is_dir() or not list(DATA.glob("*.csv")):
        print(f"spam corpus not found at {DATA}; skipping the benchmark.")
        return 0
    folds = load_folds(DATA)
    print(CITATION)
    print(f"leave-one-video-out over {len(folds)} videos, {sum(map(len, folds.values()))} rows")
    print("signals: " + ", ".join(p.rsplit(".", 1)[-1] for p in MODERATION_DEFAULTS["SIGNALS"]))
    chosen, at_defaults, streams, statics = [], [], [], []
    for name, test in folds.items():
        train = {k: v for k, v in folds.items() if k != name}
        hold, spam = choose_thresholds(*inner_scores(train))
        defaults = product_thresholds(train)
        scorer = trained([r for rows in train.values() for r in rows])
        scores = [scorer.score(r) for r in test]
        labels = [r.is_spam for r in test]
        chosen.append((name, evaluate(scores, labels, hold, spam), hold, spam))
        at_defaults.append((name, evaluate(scores, labels, *defaults), *defaults))
        statics.append(learning_recall(scorer, test, defaults[1], learn=False))
        streams.append(learning_recall(scorer, test, defaults[1]))
    limits = f"FPR<={MAX_FPR}, spam approved<={MAX_SPAM_APPROVED}"
    print_table(
        f"thresholds chosen per fold by inner LOVO on its training videos ({limits})", chosen
    )
    print_table(
        "at the default thresholds: what `train_spam` stores after training on the three "
        "training videos (product calibration, one fold per file)",
        at_defaults,
    )
    print_cold_start(folds)
    print(
        "\nlearning mode (moderator labels each test comment after scoring; classifier and "
        "reputation learn): recall per quarter of the stream at the default thresholds,"
        "\nwithout learning | with learning"
    )
    for name, before, after in zip(folds, statics, streams, strict=True):
        print(f"{name:<12}{fmt(before)}  |{fmt(after)}")
    mean_before = [sum(q) / len(q) for q in zip(*statics, strict=True)]
    mean_after = [sum(q) / len(q) for q in zip(*streams, strict=True)]
    print(f"{'mean':<12}{fmt(mean_before)}  |{fmt(mean_after)}")
    print_throughput(folds, "--no-db" not in sys.argv)
    return 0


def print_cold_start(folds: Folds) -> None:
    """Print AUC and FPR when only 100 or 300 labelled training comments exist."""
    print(
        "\ncold start (stratified sample of the training videos, seed fixed, as one CSV file "
        "given to train_spam: 4 stratified calibration folds, or the fallbacks below 100 of "
        "a kind): auc / fpr / recall / held at the thresholds train_spam stores (hold-spam)"
    )
    for size in (100, 300):
        cells = []
        for name, test in folds.items():
            train = stratified_sample({k: v for k, v in folds.items() if k != name}, size, SEED)
            hold, spam = product_thresholds(
                {"sample": [r for rows in train.values() for r in rows]}
            )
            scorer = trained([r for rows in train.values() for r in rows])
            scores = [scorer.score(r) for r in test]
            outcome = evaluate(scores, [r.is_spam for r in test], hold, spam)
            cells.append(
                f"{name} {outcome.auc:.3f}/{outcome.fpr:.3f}/{outcome.recall:.2f}/"
                f"{outcome.held:.2f} ({hold:.2f}-{spam:.2f})"
            )
        print(f"  n={size:<4}" + "  ".join(cells))


def print_throughput(folds: Folds, with_db: bool) -> None:
    """Print comments scored per second, pure path and (optionally) the worker's DB path."""
    rows = [r for rows in folds.values() for r in rows]
    scorer = trained(rows)
    start = time.perf_counter()
    for row in rows:
        scorer.score(row)
    rate = len(rows) / (time.perf_counter() - start)
    print(f"\nthroughput, pure path (facts in memory, every signal, combine): {rate:.0f}/s")
    if with_db:
        from bench.throughput import db_rate

        count, seconds, vendor = db_rate(rows)
        print(
            f"throughput, worker path (comment_score on {vendor}: load, facts, signals, "
            f"policy, save): {count / seconds:.0f}/s over {count} comments"
        )


if __name__ == "__main__":
    sys.exit(main())
