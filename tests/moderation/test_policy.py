"""The policy: from score, post mode, trust and blocklist force to approve, hold or spam."""

import pytest

from moderation.conf import FALLBACK_THRESHOLDS
from moderation.policy import Decision, Thresholds, decide

DEFAULT = Thresholds(hold=0.5, spam=0.97)  # an example pair for the tables below
APPROVE, HOLD, SPAM = Decision.APPROVE, Decision.HOLD, Decision.SPAM


@pytest.mark.parametrize(
    ("score", "mode", "trusted", "force", "expected"),
    [
        # post-moderation: publish unless the scorer objects
        (0.0, "post", False, None, APPROVE),
        (0.49, "post", False, None, APPROVE),
        (0.5, "post", False, None, HOLD),
        (0.9, "post", False, None, HOLD),
        (0.969, "post", False, None, HOLD),
        (0.97, "post", False, None, SPAM),
        (1.0, "post", False, None, SPAM),
        (0.1, "post", True, None, APPROVE),
        # pre-moderation: everyone waits, unless trusted and clean
        (0.0, "pre", False, None, HOLD),
        (0.49, "pre", False, None, HOLD),
        (0.0, "pre", True, None, APPROVE),
        (0.49, "pre", True, None, APPROVE),
        (0.5, "pre", True, None, HOLD),
        (0.99, "pre", True, None, SPAM),
        (0.99, "pre", False, None, SPAM),
        # an operator's blocklist entry wins over a clean score and over trust
        (0.0, "post", False, "hold", HOLD),
        (0.0, "post", True, "hold", HOLD),
        (0.0, "pre", True, "hold", HOLD),
        (0.0, "post", False, "spam", SPAM),
        (0.0, "pre", True, "spam", SPAM),
        (0.99, "post", False, "hold", SPAM),
    ],
)
def test_decision_table(score, mode, trusted, force, expected):
    """Each combination of score, mode, trust and forced action gives the documented decision."""
    assert decide(score=score, mode=mode, thresholds=DEFAULT, trusted=trusted, force=force) == (
        expected
    )


@pytest.mark.parametrize(
    ("thresholds", "score", "expected"),
    [
        (Thresholds(hold=0.2, spam=0.8), 0.19, APPROVE),
        (Thresholds(hold=0.2, spam=0.8), 0.2, HOLD),
        (Thresholds(hold=0.2, spam=0.8), 0.8, SPAM),
        (Thresholds(hold=1.0, spam=1.0), 0.99, APPROVE),
        (Thresholds(hold=0.0, spam=1.0), 0.0, HOLD),
        (Thresholds(hold=0.6, spam=0.6), 0.6, SPAM),
    ],
)
def test_operator_thresholds_move_the_boundaries(thresholds, score, expected):
    """An operator's thresholds decide where holding and spam begin (at-or-above is inclusive)."""
    assert decide(score=score, mode="post", thresholds=thresholds) == expected


@pytest.mark.parametrize(("hold", "spam"), [(0.9, 0.5), (-0.1, 0.5), (0.5, 1.1)])
def test_inconsistent_thresholds_are_refused_with_the_rule(hold, spam):
    """Thresholds out of order or outside 0..1 are refused, and the message states the rule."""
    with pytest.raises(ValueError, match="0 <= hold"):
        Thresholds(hold=hold, spam=spam)


def test_the_fallbacks_never_mark_an_unsure_comment_spam():
    """With the fallback thresholds a score from hold up to spam is held, never spam."""
    fallback = Thresholds(
        hold=FALLBACK_THRESHOLDS["HOLD_THRESHOLD"], spam=FALLBACK_THRESHOLDS["SPAM_THRESHOLD"]
    )
    middling = range(round(fallback.hold * 100), round(fallback.spam * 100))
    decisions = {decide(score=s / 100, mode="post", thresholds=fallback) for s in middling}
    assert decisions == {HOLD}


def test_thresholds_carry_no_default_pair_of_their_own():
    """Thresholds must be given: the only default pair is the fallbacks in moderation.conf."""
    with pytest.raises(TypeError):
        Thresholds()  # type: ignore[call-arg]
