"""What the missing-form-token signal does to ham and spam, leave-one-video-out.

Run: ``.venv/bin/python bench/form_token.py``. Same corpus and folds as
bench/spam_quality.py. For each test video the weights and thresholds are what
`train_spam` stores after training on the other three (and, second line, the fallback
thresholds a site runs on before any calibration). Each test comment is scored twice
through the production signals and `policy.decide`: as sent through the widget (with a
form token) and as sent by an anonymous API client without one
(COMMENTS["FORM_TOKEN_MISSING"] = "score"). Every comment of the corpus is treated
alike, ham included: the worst case for ham, since a real site's readers mostly use the
widget.
"""

import os
import sys
from collections.abc import Sequence
from dataclasses import replace

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from bench.spam_corpus import DATA, Row, Scorer, load_folds, train_spam, trained  # noqa: E402
from moderation.conf import FALLBACK_THRESHOLDS  # noqa: E402
from moderation.policy import Decision, Thresholds, decide  # noqa: E402
from moderation.scoring import rules, score_facts  # noqa: E402
from moderation.scoring.registry import active_signals  # noqa: E402

HEAD = "ham_fpr ham_held  recall spam_ok"
WEIGHTS = (rules.NO_FORM_TOKEN_WEIGHT, 1.0, 2.0)  # the shipped weight, and heavier ones


def decisions(
    scorer: Scorer, rows: Sequence[Row], limits: Thresholds, *, without_token: bool
) -> list[Decision]:
    """Return what the worker would decide for each row (post-moderation mode)."""
    signals = active_signals()
    found = []
    for row in rows:
        facts = replace(scorer.facts(row), without_form_token=without_token)
        score = score_facts(signals, facts, scorer.weights)
        found.append(
            decide(
                score=score.value,
                mode="post",
                thresholds=limits,
                force=score.force,
                hold_score=score.hold_value,
                cap=score.cap,
            )
        )
    return found


def shares(decided: list[Decision], labels: list[bool]) -> list[float]:
    """Return ham marked spam, ham held, spam marked spam, spam approved (shares)."""
    ham = [d for d, y in zip(decided, labels, strict=True) if not y]
    bad = [d for d, y in zip(decided, labels, strict=True) if y]
    return [
        ham.count(Decision.SPAM) / len(ham),
        ham.count(Decision.HOLD) / len(ham),
        bad.count(Decision.SPAM) / len(bad),
        bad.count(Decision.APPROVE) / len(bad),
    ]


def fmt(values: Sequence[float]) -> str:
    return "".join(f"{v:>8.3f}" for v in values)


def main() -> int:
    """Print, per video, ham FPR / held / spam recall / spam approved, with and without."""
    if not DATA.is_dir() or not list(DATA.glob("*.csv")):
        print(f"spam corpus not found at {DATA}; skipping the benchmark.")
        return 0
    folds = load_folds(DATA)
    fallback = Thresholds(
        hold=FALLBACK_THRESHOLDS["HOLD_THRESHOLD"], spam=FALLBACK_THRESHOLDS["SPAM_THRESHOLD"]
    )
    setups = []
    for name, test in folds.items():
        train = {k: v for k, v in folds.items() if k != name}
        rows = [r for group in train.values() for r in group]
        found = train_spam(train)
        calibrated = Thresholds(hold=found.hold, spam=found.spam)
        setups.append((name, test, trained(rows, found.weights), calibrated))
        setups.append((name, test, trained(rows), fallback))
    shipped = rules.NO_FORM_TOKEN_WEIGHT
    for weight in WEIGHTS:
        rules.NO_FORM_TOKEN_WEIGHT = weight
        note = " (shipped)" if weight == shipped else ""
        print(f"\nweight {weight}{note}: with a form token | without one (every comment)")
        print(f"{'video':<10}{'hold-spam':<10}{HEAD}  |{HEAD}")
        for name, test, scorer, limits in setups:
            labels = [r.is_spam for r in test]
            cells = [
                fmt(shares(decisions(scorer, test, limits, without_token=flag), labels))
                for flag in (False, True)
            ]
            print(f"{name:<10}{limits.hold:.2f}-{limits.spam:.2f} " + "  |".join(cells))
    rules.NO_FORM_TOKEN_WEIGHT = shipped
    return 0


if __name__ == "__main__":
    sys.exit(main())
