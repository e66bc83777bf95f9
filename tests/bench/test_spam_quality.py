"""The bench's ceiling: thresholds chosen on the test set itself, caps honoured."""

from bench.spam_quality import ceiling


def test_ceiling_marks_spam_above_the_ham_the_fpr_bar_cannot_let_through():
    """100 ham allow one false positive: the second-highest ham sets the spam threshold."""
    ham = [0.1] * 98 + [0.95, 0.8]
    spam = [0.9] * 50 + [0.7] * 50
    scores, labels = ham + spam, [False] * 100 + [True] * 100
    found, _, _ = ceiling(scores, labels, [False] * 200)
    assert found.fpr == 0.01
    assert found.recall == 0.5  # only the spam above 0.8: the 0.7s stay below


def test_ceiling_never_marks_a_capped_comment_spam():
    """Capped spam counts as missed, and a capped ham cannot push the threshold up."""
    ham = [0.1] * 98 + [0.99, 0.99]
    spam = [0.9] * 100
    scores, labels = ham + spam, [False] * 100 + [True] * 100
    capped_ham = [False] * 98 + [True, True]
    capped_spam = [True] * 20 + [False] * 80
    found, _, _ = ceiling(scores, labels, capped_ham + capped_spam)
    assert found.recall == 0.8
    assert found.fpr == 0.0
