"""Specification of the count-based spam classifier: learning, scoring and reasons."""

import copy

import pytest

from moderation.scoring.classifier import (
    TokenCounts,
    Verdict,
    classify,
    deltas,
    describe,
    learn,
    unlearn,
)
from moderation.scoring.text import tokens

SPAM = [
    "check out my channel and subscribe",
    "subscribe to my channel for free gift cards",
    "free gift cards at http://win.example.com",
    "please subscribe to my channel",
    "visit http://win.example.com for free money",
]
HAM = [
    "what a lovely song",
    "this song makes me happy every morning",
    "the chorus of this song is lovely",
    "i love the dancing in this video",
    "happy memories of this song",
]


def trained() -> TokenCounts:
    """Return counts learned from the tiny hand-made corpus above."""
    counts = TokenCounts()
    for text in SPAM:
        learn(counts, tokens(text), is_spam=True)
    for text in HAM:
        learn(counts, tokens(text), is_spam=False)
    return counts


def test_learn_counts_documents_and_distinct_tokens() -> None:
    """Learning adds one document and counts each distinct token once per comment."""
    counts = TokenCounts()
    learn(counts, ["buy", "buy", "now"], is_spam=True)
    learn(counts, ["now"], is_spam=False)
    assert (counts.spam_docs, counts.ham_docs) == (1, 1)
    assert counts.counts == {"buy": (1, 0), "now": (1, 1)}


@pytest.mark.parametrize("is_spam", [True, False])
@pytest.mark.parametrize("text", ["free gift cards", "lovely song", "", "new words only here"])
def test_unlearn_exactly_inverts_learn(text: str, is_spam: bool) -> None:
    """Unlearning what was just learned restores the counts exactly, with no zero rows left."""
    counts = trained()
    before = copy.deepcopy(counts)
    learn(counts, tokens(text), is_spam=is_spam)
    unlearn(counts, tokens(text), is_spam=is_spam)
    assert counts == before


def test_learning_twice_is_not_idempotent() -> None:
    """Learning the same comment twice counts it twice: callers must record what they taught."""
    counts = TokenCounts()
    learn(counts, ["spam"], is_spam=True)
    learn(counts, ["spam"], is_spam=True)
    assert counts.spam_docs == 2
    assert counts.counts["spam"] == (2, 0)


def test_relabel_is_unlearn_then_learn() -> None:
    """A moderator flipping ham to spam equals learning it as spam from the start."""
    flipped, direct = trained(), trained()
    learn(flipped, ["odd"], is_spam=False)
    unlearn(flipped, ["odd"], is_spam=False)
    learn(flipped, ["odd"], is_spam=True)
    learn(direct, ["odd"], is_spam=True)
    assert flipped == direct


@pytest.mark.parametrize(
    ("learned", "unlearned", "is_spam"),
    [([], ["x"], True), (["a"], ["a"], False), (["a"], ["a", "b"], True)],
)
def test_unlearn_what_was_never_learned_raises(
    learned: list[str], unlearned: list[str], is_spam: bool
) -> None:
    """Unlearning a comment or token that was never learned is refused, not driven negative."""
    counts = TokenCounts()
    if learned:
        learn(counts, learned, is_spam=True)
    with pytest.raises(ValueError, match="never learned"):
        unlearn(counts, unlearned, is_spam=is_spam)


def test_deltas_match_learning() -> None:
    """deltas() gives the per-token increments a database layer applies for one comment."""
    assert deltas(["a", "a", "b"], is_spam=False) == {"a": (0, 1), "b": (0, 1)}


@pytest.mark.parametrize(
    ("text", "is_spam"),
    [
        ("subscribe to my channel", True),
        ("free gift cards http://win.example.com", True),
        ("lovely song", False),
        ("this song makes me happy", False),
    ],
)
def test_classify_separates_the_tiny_corpus(text: str, is_spam: bool) -> None:
    """Unseen comments built from spam words score above ones built from ham words."""
    verdict = classify(trained(), tokens(text))
    assert (verdict.probability > 0.5) is is_spam


def test_classify_reads_only_the_given_tokens() -> None:
    """A model cut down to a comment's tokens scores it the same, as a DB query would fetch."""
    full = trained()
    wanted = tokens("subscribe to my lovely channel")
    subset = TokenCounts(
        full.spam_docs, full.ham_docs, {t: c for t, c in full.counts.items() if t in wanted}
    )
    assert classify(subset, wanted) == classify(full, wanted)


@pytest.mark.parametrize("counts", [TokenCounts(), trained()])
def test_classify_without_known_tokens_is_unsure(counts: TokenCounts) -> None:
    """A comment with no known tokens gets 0.5 and no evidence."""
    assert classify(counts, ["zzz-never-seen"]) == Verdict(probability=0.5, evidence=[])


def test_evidence_is_strongest_first() -> None:
    """Evidence lists tokens with their spam probability, strongest push first."""
    evidence = classify(trained(), tokens("subscribe to my channel")).evidence
    distances = [abs(p - 0.5) for _, p in evidence]
    assert distances == sorted(distances, reverse=True)
    assert all(0.0 < p < 1.0 for _, p in evidence)


@pytest.mark.parametrize(
    ("verdict", "expected"),
    [
        (
            Verdict(
                0.974,
                [
                    ("c:<sub", 0.99),
                    ("subscribe", 0.95),
                    ("b:my channel", 0.9),
                    ("channel", 0.9),
                    ("song", 0.2),
                    ("url:*", 0.9),
                ],
            ),
            "classifier 0.97: tokens 'subscribe', 'channel'",
        ),
        (
            Verdict(0.1, [("song", 0.1), ("subscribe", 0.9), ("lovely", 0.2)]),
            "classifier 0.10: tokens 'song', 'lovely'",
        ),
        (
            Verdict(0.9, [("url:spam.example", 0.95), ("a", 0.8), ("b", 0.8), ("c", 0.7)]),
            "classifier 0.90: tokens 'spam.example', 'a', 'b'",
        ),
        (Verdict(0.5, []), "classifier 0.50"),
    ],
)
def test_describe(verdict: Verdict, expected: str) -> None:
    """describe() names up to three readable tokens pushing the way of the verdict."""
    assert describe(verdict) == expected
