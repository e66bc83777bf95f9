"""Threshold rules and rate intervals for calibration: pure functions, tables of cases."""

import pytest

from moderation import rates
from moderation.rates import edge_thresholds, pooled_fold_thresholds, rate


@pytest.mark.parametrize(
    ("hits", "total", "low", "high"),
    [
        # Exact Clopper-Pearson 95% limits, as published tables give them.
        (0, 10, 0.0, 0.3085),
        (10, 10, 0.6915, 1.0),
        (5, 10, 0.1871, 0.8129),
        (1, 100, 0.000253, 0.05446),
        (0, 0, 0.0, 1.0),
    ],
)
def test_rates_carry_their_exact_binomial_interval(hits, total, low, high):
    """A share comes with its Clopper-Pearson 95% interval."""
    found = rate(hits, total)
    assert found.low == pytest.approx(low, abs=2e-4)
    assert found.high == pytest.approx(high, abs=2e-4)


def test_an_impossible_rate_is_refused():
    """More hits than trials is an error, not a rate above one."""
    with pytest.raises(ValueError, match="hits"):
        rate(3, 2)


@pytest.mark.parametrize(
    ("folds", "spam_between"),
    [
        # Two folds whose own 1%-FPR edges are far apart: the rule takes their typical
        # point, not the highest edge the pooled ham would give.
        ([([0.1] * 99 + [0.9], [False] * 100), ([0.1] * 100, [False] * 100)], (0.1, 0.9)),
        # Identical folds: the fold's own edge, exactly.
        ([([0.2] * 100, [False] * 100)] * 3, (0.2, 0.2000001)),
    ],
)
def test_the_spam_threshold_is_the_folds_typical_edge(folds, spam_between):
    """Each fold's own edge counts once, averaged in log-odds and kept within the edges."""
    spammy = ([0.95] * 100, [True] * 100)
    _, spam = pooled_fold_thresholds([(s + spammy[0], y + spammy[1]) for s, y in folds])
    assert spam_between[0] <= spam <= spam_between[1]


def test_the_pooled_edge_sits_just_above_the_worst_folds_ham():
    """The old rule: the pooled scores' edge is decided by the highest-scoring ham."""
    scores = [0.1] * 199 + [0.9, 0.95, 0.96]
    labels = [False] * 200 + [True, True]
    hold, spam = edge_thresholds(scores, labels, max_fpr=0.0)
    assert 0.9 < spam <= 0.95
    assert hold <= spam


@pytest.mark.parametrize(
    ("values", "spread"), [([0.5], 0.0), ([0.5, 0.5], 0.0), ([0.2689414, 0.7310586], 1.41421)]
)
def test_the_folds_spread_is_measured_in_log_odds(values, spread):
    """The spread of the folds' thresholds is their standard deviation in log-odds."""
    assert rates.spread(values) == pytest.approx(spread, abs=1e-4)
