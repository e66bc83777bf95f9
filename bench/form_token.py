"""What the missing-form-token signal does to ham and spam, leave-one-video-out.

Run: ``.venv/bin/python bench/form_token.py``. Same corpus, folds, training and thresholds
as bench/spam_quality.py (the pair `train_spam` stores after training on the three other
videos, and the conservative fallbacks). Each test comment is scored twice through the
production signals: as sent through the widget (with a form token) and as sent by an
anonymous API client without one (COMMENTS["FORM_TOKEN_MISSING"] = "score"). Every
comment of the corpus is treated alike, ham included: the worst case for ham, since
a real site's readers mostly use the widget.
"""

import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.spam_quality import (
    CITATION,
    DATA,
    FALLBACK_THRESHOLDS,
    Row,
    Scorer,
    fmt,
    load_folds,
    product_thresholds,
    trained,
)
from moderation.policy import Decision, Thresholds, decide
from moderation.scoring import Score, rules, score_facts
from moderation.scoring.registry import active_signals

HEAD = "ham_fpr ham_held  recall spam_ok"
WEIGHTS = (rules.NO_FORM_TOKEN_WEIGHT, 1.0, 2.0)  # the shipped weight, and heavier ones


def outcome(found: list[Score], labels: list[bool], hold: float, spam: float) -> list[float]:
    """Return ham marked spam, ham held, spam marked spam, spam approved (shares).

    Decided by `moderation.policy.decide`, as the worker decides (post-moderation).
    """
    limits = Thresholds(hold=hold, spam=spam)
    decided = [
        decide(score=s.value, mode="post", thresholds=limits, hold_score=s.hold_value)
        for s in found
    ]
    ham = [d for d, y in zip(decided, labels, strict=True) if not y]
    bad = [d for d, y in zip(decided, labels, strict=True) if y]
    return [
        ham.count(Decision.SPAM) / len(ham),
        ham.count(Decision.HOLD) / len(ham),
        bad.count(Decision.SPAM) / len(bad),
        bad.count(Decision.APPROVE) / len(bad),
    ]


def scores(scorer: Scorer, rows: list[Row], *, without_token: bool) -> list[Score]:
    """Return the production scores of `rows`, flagged as sent without a form token or not."""
    signals = active_signals()
    return [
        score_facts(signals, replace(scorer.facts(r), without_form_token=without_token))
        for r in rows
    ]


def main() -> int:
    """Print, per video, ham FPR / held / spam recall / spam approved, with and without."""
    if not DATA.is_dir() or not list(DATA.glob("*.csv")):
        print(f"spam corpus not found at {DATA}; skipping the benchmark.")
        return 0
    folds = load_folds(DATA)
    print(CITATION)
    fallback = (FALLBACK_THRESHOLDS["HOLD_THRESHOLD"], FALLBACK_THRESHOLDS["SPAM_THRESHOLD"])
    shipped = rules.NO_FORM_TOKEN_WEIGHT
    for weight in WEIGHTS:
        rules.NO_FORM_TOKEN_WEIGHT = weight
        note = " (shipped)" if weight == shipped else ""
        print(f"\nweight {weight}{note}: with a form token | without one (every comment)")
        print(f"{'video':<10}{'hold-spam':<10}{HEAD}  |{HEAD}")
        for name, test in folds.items():
            train = {k: v for k, v in folds.items() if k != name}
            scorer = trained([r for rows in train.values() for r in rows])
            labels = [r.is_spam for r in test]
            found = [scores(scorer, test, without_token=flag) for flag in (False, True)]
            for hold, spam in (product_thresholds(train), fallback):
                cells = [fmt(outcome(f, labels, hold, spam)) for f in found]
                print(f"{name:<10}{hold:.2f}-{spam:.2f} " + "  |".join(cells))
    rules.NO_FORM_TOKEN_WEIGHT = shipped
    return 0


if __name__ == "__main__":
    sys.exit(main())
