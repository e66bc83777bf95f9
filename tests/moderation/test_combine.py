"""Combining signals into a score, and the policy that turns a score into a decision."""

import pytest

from moderation.conf import FALLBACK_THRESHOLDS
from moderation.policy import Decision, Thresholds, decide
from moderation.scoring import PRIOR, Facts, Finding, combine, rules, score_facts

DEFAULTS = Thresholds(
    hold=FALLBACK_THRESHOLDS["HOLD_THRESHOLD"], spam=FALLBACK_THRESHOLDS["SPAM_THRESHOLD"]
)


def test_no_evidence_leaves_the_prior_a_low_score():
    """With nothing found, a comment scores low: most comments are fine."""
    score = combine([])
    assert score.value < DEFAULTS.hold
    assert score.reasons == []
    assert score.force is None
    assert PRIOR < 0


def test_weights_add_up_and_reasons_come_strongest_first():
    """Findings add in log-odds; reasons are listed by how much they weighed."""
    score = combine([Finding(0.5, "small"), Finding(-2.0, "trusted"), Finding(4.0, "big")])
    assert score.reasons == ["big", "trusted", "small"]
    assert score.value > combine([Finding(0.5, "small")]).value


def test_silent_findings_count_but_are_not_shown():
    """A finding with no reason still moves the score but is not listed for moderators."""
    score = combine([Finding(1.0, "")])
    assert score.reasons == []
    assert score.value > combine([]).value


def test_spam_force_wins_over_hold():
    """One 'spam' blocklist hit decides spam even when another entry only holds."""
    assert combine([Finding(2, "a", force="hold"), Finding(6, "b", force="spam")]).force == "spam"
    assert combine([Finding(2, "a", force="hold")]).force == "hold"


def test_a_typical_reader_comment_is_approved_and_link_spam_is_caught():
    """Run through every default rule, a thank-you is approved, a shortened pitch is not."""
    signals = [
        rules.links,
        rules.shorteners,
        rules.self_promotion,
        rules.length,
        rules.capitals,
        rules.author_history,
    ]
    kind = score_facts(
        signals,
        Facts(text="Thanks, this fixed my deployment.", raw="Thanks, this fixed my deployment."),
    )
    pitch = "CHECK OUT MY CHANNEL https://bit.ly/x https://a.example https://b.example"
    spam = score_facts(signals, Facts(text=pitch, raw=pitch))
    assert decide(score=kind.value, mode="post", thresholds=DEFAULTS) == Decision.APPROVE
    assert decide(score=spam.value, mode="post", thresholds=DEFAULTS) == Decision.SPAM
    assert "URL shortener: bit.ly" in spam.reasons


def test_default_thresholds_are_validated_values_not_a_coin_flip():
    """The shipped thresholds hold a wide band for a moderator; neither is 0.5."""
    assert 0 < DEFAULTS.hold < DEFAULTS.spam < 1
    assert DEFAULTS.hold != 0.5
    assert DEFAULTS.spam != 0.5
    assert DEFAULTS.spam >= 0.8  # conservative: hold rather than mark spam when unsure


@pytest.mark.parametrize(
    ("score", "mode", "trusted", "force", "expected"),
    [
        (0.05, "post", False, None, Decision.APPROVE),
        (0.05, "pre", False, None, Decision.HOLD),
        (0.05, "pre", True, None, Decision.APPROVE),
        (0.50, "post", True, None, Decision.HOLD),
        (0.95, "post", False, None, Decision.SPAM),
        (0.05, "post", True, "hold", Decision.HOLD),
        (0.05, "post", True, "spam", Decision.SPAM),
    ],
)
def test_policy_decides_by_mode_thresholds_trust_and_blocklist(
    score, mode, trusted, force, expected
):
    """Post mode publishes clean comments, pre mode holds all but trusted ones, and the
    blocklist overrides the score."""
    assert (
        decide(score=score, mode=mode, thresholds=DEFAULTS, trusted=trusted, force=force)
        == expected
    )


def test_thresholds_in_the_wrong_order_are_refused():
    """A hold threshold above the spam threshold is a configuration error, said clearly."""
    with pytest.raises(ValueError, match="hold"):
        Thresholds(hold=0.9, spam=0.5)
