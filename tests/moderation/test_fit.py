"""Fitting the prior and text-signal weights on out-of-fold evidence: pure, tables of cases."""

import pytest

from moderation.scoring import Facts, Weights, fit, rules, score_facts
from moderation.scoring.classifier import TokenCounts, learn


def test_a_fitted_factor_follows_the_evidence():
    """A signal that separates spam from ham gets a large factor; one that does not, a small one."""
    rows = [{"links": 2.0, "capitals": 0.5} for _ in range(50)]
    rows += [{"links": 0.0, "capitals": 0.5} for _ in range(50)]
    rows += [{"links": 0.0, "capitals": 0.0} for _ in range(50)]
    labels = [True] * 50 + [False] * 100
    weights = fit.fit_weights(rows, labels)
    assert weights.scales["links"] > 1.0
    assert abs(weights.scales["capitals"]) < weights.scales["links"]
    assert weights.prior < 0


def test_a_rule_that_never_fired_keeps_its_default_weight():
    """A signal without spread in the data is left out of the fit (factor 1 by default)."""
    rows = [{"links": 2.0} for _ in range(10)] + [{} for _ in range(10)]
    weights = fit.fit_weights(rows, [True] * 10 + [False] * 10)
    assert "shorteners" not in weights.scales


@pytest.mark.parametrize("labels", [[True, True], [False, False], []])
def test_fitting_needs_both_kinds(labels):
    """Without spam and ham examples there is nothing to fit, and it says so."""
    with pytest.raises(ValueError, match="both spam and ham"):
        fit.fit_weights([{}] * len(labels), labels)


def test_scoring_evidence_with_weights_equals_the_scorer():
    """`score_with` on a comment's evidence gives exactly what `score_facts` gives."""
    model = TokenCounts()
    for text, spam in [("buy cheap pills now", True), ("lovely song", False)] * 5:
        learn(model, Facts(text=text).tokens, is_spam=spam)
    facts = Facts(text="Buy CHEAP pills at http://x.example now", model=model)
    signals = [rules.text_classifier, rules.links, rules.length, rules.capitals]
    weights = Weights(prior=-2.0, scales={"links": 0.5, "length": 2.0})
    expected = score_facts(signals, facts, weights).value
    assert fit.score_with(weights, fit.evidence(signals, facts)) == pytest.approx(expected)
    assert 0 < expected < 1
