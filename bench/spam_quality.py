"""Benchmark the spam scorer leave-one-video-out on the YouTube Spam Collection, nested.

Run: ``.venv/bin/python bench/spam_quality.py [--no-db]``. For each test video, everything
that is fitted (classifier counts, the prior and text-signal weights, the thresholds) is
fitted on the other three videos only, by the product's own `train_spam` calibration
(`moderation.calibration.calibrate_texts`: inner leave-one-video-out). The test video is
then scored through the production signals, `score_facts` and `policy.decide`. No seed
matters except the cold-start sample's (fixed). See bench/README.md.
"""

import math
import os
import sys
import time
from collections.abc import Sequence

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from bench.spam_corpus import (  # noqa: E402
    BLOG_HAM,
    DATA,
    SEED,
    Folds,
    Row,
    Scorer,
    load_blog_ham,
    load_folds,
    stratified_sample,
    train_spam,
    trained,
)
from moderation import rates  # noqa: E402
from moderation.calibration import Calibration, Outcome, TooFewExamples, evaluate  # noqa: E402
from moderation.scoring.rules import links_count_for_spam, well_known  # noqa: E402

CITATION = (
    "Data: YouTube Spam Collection v1 (CC BY 4.0) - Alberto, Lochter, Almeida, "
    "'TubeSpam: Comment Spam Filtering on YouTube', ICMLA'15."
)
# The procedures compared: what shipped before (weights fitted with every video in view,
# the pooled scores' edge, no evidence cap), the old rule honestly nested, the new rule
# nested, the new rule with links counting toward spam (only the evidence cap), and the new
# rule without any cap (to show what the caps cost).
PROCEDURES: dict[str, dict[str, bool]] = {
    "before": {"fit_weights": False, "edge": True},
    "nested, old rule": {"edge": True},
    "nested, new rule": {},
    "nested, new rule, links count for spam": {},
    "nested, new rule, no cap": {},
}
# Which caps each procedure honours: every cap the scorer sets, only the evidence cap
# (the classifier knows too little of the words: the old rule as it shipped), or none.
CAPS = {"before": "none", "nested, new rule, no cap": "none"}
CAPS["nested, old rule"] = CAPS["nested, new rule, links count for spam"] = "evidence"
HEAD = "precis  recall     fpr     auc    held  spam_ok    hold    spam"
LEARN_FIRST = 100  # comments a new site's moderators decide before the figures count


def outcome_of(
    scorer: Scorer, rows: Sequence[Row], found: Calibration, *, cap: str = "all"
) -> Outcome:
    """Return how the scorer does on `rows` at the calibration's thresholds."""
    return evaluate(
        [scorer.score(r).value for r in rows],
        [r.is_spam for r in rows],
        found.hold,
        found.spam,
        capped(scorer, rows, cap),
    )


def capped(scorer: Scorer, rows: Sequence[Row], cap: str) -> list[bool]:
    """Return per row whether its spam verdict is capped at hold, honouring `cap` (CAPS)."""
    if cap == "none":
        return [False] * len(rows)
    if cap == "evidence":
        model = scorer.counts
        return [not well_known(model, scorer.facts(r).tokens) for r in rows]
    return [scorer.score(r).cap == "hold" for r in rows]


def fmt(values: Sequence[float], width: int = 8) -> str:
    """Return numbers as fixed-width table cells."""
    return "".join(f"{v:>{width}.3f}" for v in values)


def print_table(title: str, rows: list[tuple[str, Outcome, Calibration]]) -> None:
    """Print one table of per-video outcomes and their mean."""
    print(f"\n{title}\n{'test video':<12}{HEAD}")
    for name, outcome, found in rows:
        print(f"{name:<12}{fmt(vars(outcome).values())}{fmt([found.hold, found.spam])}")
    mean = [sum(v) / len(v) for v in zip(*(vars(o).values() for _, o, _ in rows), strict=True)]
    print(f"{'mean':<12}{fmt(mean)}")


def print_expected(rows: list[tuple[str, Outcome, Calibration]]) -> None:
    """Print what train_spam promised per fold (out-of-fold rates, 95% intervals)."""
    print("  expected by train_spam (inner out-of-fold, 95% Clopper-Pearson) -> measured:")
    for name, outcome, found in rows:
        ex = found.expected
        if ex is None:
            continue
        print(
            f"  {name:<10} FPR {ex.fpr.value:.3f} [{ex.fpr.low:.3f}, {ex.fpr.high:.3f}] -> "
            f"{outcome.fpr:.3f}; recall {ex.recall.value:.3f} [{ex.recall.low:.3f}, "
            f"{ex.recall.high:.3f}] -> {outcome.recall:.3f}; folds' own spam thresholds "
            + "/".join(f"{t:.2f}" for t in ex.fold_spam)
        )


def learning_run(
    scorer: Scorer, test: list[Row], found: Calibration, *, learn: bool
) -> tuple[Outcome, str]:
    """Stream the test video in order; return the outcome after the first LEARN_FIRST.

    With `learn`, moderators decide the first LEARN_FIRST comments (a new site holds
    everything at first) and then every comment the scorer holds, and each decision is
    learned (classifier, reputation and the site's link evidence, as the worker learns a
    moderator's decision) before the next comment is scored.
    """
    scores, caps, labels = [], [], []
    lifted_at = None
    for i, row in enumerate(test):
        if lifted_at is None and links_count_for_spam(
            spam=scorer.link_decisions[0], approved=scorer.link_decisions[1]
        ):
            lifted_at = i
        score = scorer.score(row)
        held = found.hold <= score.value < found.spam or score.cap == "hold"
        if i >= LEARN_FIRST:
            scores.append(score.value)
            caps.append(score.cap == "hold")
            labels.append(row.is_spam)
        if learn and (i < LEARN_FIRST or held):
            scorer.decide(row)
    spam, approved = scorer.link_decisions
    links = f"link comments decided {spam} spam / {approved} approved, " + (
        "links hold throughout" if lifted_at is None else f"links count from comment {lifted_at}"
    )
    return evaluate(scores, labels, found.hold, found.spam, caps), links


def main() -> int:
    """Run every benchmark mode and print the tables; return the exit status."""
    if not DATA.is_dir() or not list(DATA.glob("*.csv")):
        print(f"spam corpus not found at {DATA}; skipping the benchmark.")
        return 0
    folds = load_folds(DATA)
    print(CITATION)
    print(f"leave-one-video-out over {len(folds)} videos, {sum(map(len, folds.values()))} rows")
    tables: dict[str, list[tuple[str, Outcome, Calibration]]] = {p: [] for p in PROCEDURES}
    learning: list[tuple[str, Outcome, Outcome, str]] = []
    ceilings: list[tuple[str, Scorer, list[Row]]] = []
    for name, test in folds.items():
        train = {k: v for k, v in folds.items() if k != name}
        rows = [r for group in train.values() for r in group]
        for procedure, options in PROCEDURES.items():
            found = train_spam(train, **options)
            scorer = trained(rows, found.weights)
            outcome = outcome_of(scorer, test, found, cap=CAPS.get(procedure, "all"))
            tables[procedure].append((name, outcome, found))
        found = tables["nested, new rule"][-1][2]
        ceilings.append((name, trained(rows, found.weights), test))
        static, _ = learning_run(trained(rows, found.weights), test, found, learn=False)
        learned, links = learning_run(trained(rows, found.weights), test, found, learn=True)
        learning.append((name, static, learned, links))
    for procedure, rows_of in tables.items():
        print_table(f"{procedure}: thresholds and weights train_spam stores", rows_of)
        if procedure in ("nested, old rule", "nested, new rule"):
            print_expected(rows_of)
    print_ceiling(ceilings)
    print_learning(learning)
    print_cold_start(folds)
    print_blog_ham(folds)
    print_throughput(folds, "--no-db" not in sys.argv)
    return 0


def ceiling(
    scores: Sequence[float], labels: Sequence[bool], caps: Sequence[bool]
) -> tuple[Outcome, float, float]:
    """Return the outcome at the thresholds chosen on this very set (its own edges), and them.

    Not a result (thresholds picked on the test set itself): the most any threshold rule
    could give with this ranking and these caps. A capped comment is never marked spam, so
    it cannot set the spam edge.
    """
    open_scores = [0.0 if c else s for s, c in zip(scores, caps, strict=True)]
    spam = rates.edge_thresholds(open_scores, labels)[1]
    hold = min(rates.edge_thresholds(scores, labels)[0], spam)
    return evaluate(scores, labels, hold, spam, caps), hold, spam


def print_ceiling(ceilings: list[tuple[str, Scorer, list[Row]]]) -> None:
    """Print what thresholds chosen on the test video itself give, and the ham that set them."""
    print(
        "\nceiling (new rule's scores; thresholds chosen on the test video itself: not a "
        "result, the most any\nthreshold rule could give): recall / FPR / held / spam "
        "approved (hold-spam), with the caps | without"
    )
    for name, scorer, test in ceilings:
        scores = [scorer.score(r) for r in test]
        values, labels = [s.value for s in scores], [r.is_spam for r in test]
        cells = [
            ceiling(values, labels, caps)
            for caps in ([s.cap == "hold" for s in scores], [False] * len(scores))
        ]
        print(
            f"{name:<12}"
            + "  |  ".join(
                f"{o.recall:.3f} / {o.fpr:.3f} / {o.held:.3f} / {o.spam_approved:.3f} "
                f"({hold:.2f}-{spam:.2f})"
                for o, hold, spam in cells
            )
        )
        print_top_ham(values, test)


def print_top_ham(values: Sequence[float], test: Sequence[Row]) -> None:
    """Print the highest ham: those FPR <= 1% lets be marked spam, then the one that sets
    the spam threshold without caps (just above its score)."""
    spam = [v for v, r in zip(values, test, strict=True) if r.is_spam]
    ham = sorted(
        ((v, r.text) for v, r in zip(values, test, strict=True) if not r.is_spam), reverse=True
    )
    allowed = math.floor(rates.MAX_FPR * len(ham))
    for value, text in ham[: allowed + 1]:
        above = sum(s <= value for s in spam) / len(spam)
        shown = text.replace("\ufeff", "").strip()[:70]
        print(f"    ham {value:.3f}, at or above {above:.1%} of the spam: {shown!r}")


def print_learning(learning: list[tuple[str, Outcome, Outcome, str]]) -> None:
    """Print recall / FPR / held after the first comments, without and with learning."""
    print(
        f"\nlearning mode (new rule): the test stream after its first {LEARN_FIRST} comments, "
        "recall / FPR / held / spam approved,\nwithout learning | moderators decided the "
        f"first {LEARN_FIRST} and every held comment since (classifier + reputation + link "
        "evidence learn)"
    )
    for name, before, after, _ in learning:
        cells = [
            f"{o.recall:.3f} / {o.fpr:.3f} / {o.held:.3f} / {o.spam_approved:.3f}"
            for o in (before, after)
        ]
        print(f"{name:<12}{cells[0]}  |  {cells[1]}")
    cells = []
    for outcomes in ([b for _, b, _, _ in learning], [a for _, _, a, _ in learning]):
        recall = sum(o.recall for o in outcomes) / len(outcomes)
        fpr = sum(o.fpr for o in outcomes) / len(outcomes)
        cells.append(f"recall {recall:.3f}, FPR {fpr:.3f}")
    print(f"{'mean':<12}{cells[0]}  |  {cells[1]}")
    for name, _, _, links in learning:
        print(f"  {name:<10} {links} (rules.links_count_for_spam)")


def print_cold_start(folds: Folds) -> None:
    """Print AUC / FPR / recall / held when only 100 or 300 labelled comments exist."""
    print(
        "\ncold start (stratified sample of the training videos, seed fixed, one CSV file: "
        "4 stratified folds, or the fallbacks below 100 of a kind), new rule:\n"
        "auc / fpr / recall / held (hold-spam)"
    )
    for size in (100, 300):
        cells = []
        for name, test in folds.items():
            sample = stratified_sample({k: v for k, v in folds.items() if k != name}, size, SEED)
            rows = [r for group in sample.values() for r in group]
            try:
                found = train_spam({"sample": rows})
            except TooFewExamples:
                found = fallback()
            o = outcome_of(trained(rows, found.weights), test, found)
            cells.append(
                f"{name} {o.auc:.3f}/{o.fpr:.3f}/{o.recall:.2f}/{o.held:.2f} "
                f"({found.hold:.2f}-{found.spam:.2f})"
            )
        print(f"  n={size:<4}" + "  ".join(cells))


def fallback() -> Calibration:
    """Return the site's state before any calibration: fallback thresholds, default weights."""
    from moderation.conf import FALLBACK_THRESHOLDS

    nothing = Outcome(0, 0, 0, math.nan, 0, 0)
    hold, spam = FALLBACK_THRESHOLDS["HOLD_THRESHOLD"], FALLBACK_THRESHOLDS["SPAM_THRESHOLD"]
    return Calibration(hold=hold, spam=spam, examples=0, folds=0, validation=nothing)


def print_blog_ham(folds: Folds) -> None:
    """Print how blog readers' comments fare when trained on all four videos."""
    if not BLOG_HAM.exists():
        return
    rows = [r for group in folds.values() for r in group]
    print("\nout of domain: blog readers' comments (all ham), trained on 4 videos")
    for procedure, options in PROCEDURES.items():
        found = train_spam(folds, **options)
        scorer = trained(rows, found.weights)
        for half, blog in (("dev", load_blog_ham()[0::2]), ("check", load_blog_ham()[1::2])):
            label = f"{procedure}, {half} half"
            print_blog_half(label, scorer, found, blog, cap=CAPS.get(procedure, "all"))


def print_blog_half(
    label: str, scorer: Scorer, found: Calibration, blog: list[Row], *, cap: str
) -> None:
    """Print how many of `blog` are marked spam and held, and how many only for a cap."""
    scores = [scorer.score(r).value for r in blog]
    caps = capped(scorer, blog, cap)
    held_by_cap = sum(s >= found.spam and c for s, c in zip(scores, caps, strict=True))
    o = evaluate(scores, [False] * len(blog), found.hold, found.spam, caps)
    print(
        f"  {label:<50} of {len(blog)}: marked spam {o.fpr:.3f} ({round(o.fpr * len(blog))}),"
        f" held {o.held:.3f} (of them only for a cap: {held_by_cap})"
    )


def print_throughput(folds: Folds, with_db: bool) -> None:
    """Print comments scored per second, pure path and (optionally) the worker's DB path."""
    rows = [r for group in folds.values() for r in group]
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
