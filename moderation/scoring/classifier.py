"""Token classifier for comment spam, stored as plain counts; pure Python, no Django.

SpamBayes-style: each token's spamminess is Robinson's f(w) (a per-token probability
shrunk towards 0.5 when the token is rare), and the strongest tokens are combined with
Fisher's chi-squared method. Counts are per document (a token counts once per comment),
so the whole model is ``spam_docs``, ``ham_docs`` and one ``(spam, ham)`` pair per token:
a table of ``(token, spam_count, ham_count)`` rows that one moderator decision updates
by adding or subtracting 1, exactly invertibly.

``classify`` only reads the entries of the tokens it is given, so a database caller
can fetch just those rows (``WHERE token IN (...)``) into a ``TokenCounts``.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

# Robinson's prior: a token seen n times is treated as if also seen STRENGTH times at 0.5.
PRIOR_STRENGTH = 0.45
PRIOR_PROBABILITY = 0.5
# Tokens whose f(w) is this close to 0.5 say nothing; skipping them sharpens the result.
MIN_DISTANCE = 0.1
# At most this many tokens (the strongest) vote; more only adds correlated noise.
MAX_DISCRIMINATORS = 150
# Tokens that are shown to a moderator must be readable words, not n-grams.
_HIDDEN_PREFIXES = ("c:", "b:", "url:*")


@dataclass
class TokenCounts:
    """The model: how many spam/ham comments were learned, and per token in how many."""

    spam_docs: int = 0
    ham_docs: int = 0
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """A spam probability and the tokens behind it as ``(token, f(w))``, strongest first."""

    probability: float
    evidence: list[tuple[str, float]]


def learn(counts: TokenCounts, tokens: Iterable[str], *, is_spam: bool) -> None:
    """Add one labelled comment's tokens to ``counts`` (in place)."""
    _add(counts, tokens, is_spam=is_spam, step=1)


def unlearn(counts: TokenCounts, tokens: Iterable[str], *, is_spam: bool) -> None:
    """Remove one comment previously learned with the same tokens and label."""
    _add(counts, tokens, is_spam=is_spam, step=-1)


def deltas(tokens: Iterable[str], *, is_spam: bool) -> dict[str, tuple[int, int]]:
    """Return the per-token ``(spam, ham)`` increments that learning one comment applies."""
    one = (1, 0) if is_spam else (0, 1)
    return dict.fromkeys(set(tokens), one)


def _add(counts: TokenCounts, tokens: Iterable[str], *, is_spam: bool, step: int) -> None:
    """Apply ``step`` (+1 learn, -1 unlearn) to the documents and every distinct token."""
    docs = counts.spam_docs if is_spam else counts.ham_docs
    if docs + step < 0:
        raise ValueError("unlearning a comment that was never learned")
    changes = deltas(tokens, is_spam=is_spam)
    for token in changes:
        spam, ham = counts.counts.get(token, (0, 0))
        spam, ham = (spam + step, ham) if is_spam else (spam, ham + step)
        if spam < 0 or ham < 0:
            raise ValueError(f"unlearning token {token!r} that was never learned")
        if spam or ham:
            counts.counts[token] = (spam, ham)
        else:
            del counts.counts[token]  # keep unlearn(learn(x)) == x, with no zero rows
    if is_spam:
        counts.spam_docs += step
    else:
        counts.ham_docs += step


def token_probability(counts: TokenCounts, token: str) -> float:
    """Return Robinson's f(w): the token's spam probability, shrunk towards 0.5 if rare."""
    spam, ham = counts.counts.get(token, (0, 0))
    seen = spam + ham
    if not seen:
        return PRIOR_PROBABILITY
    # Per-class rates, so an unbalanced training set doesn't bias every token.
    spam_rate = spam / max(counts.spam_docs, 1)
    ham_rate = ham / max(counts.ham_docs, 1)
    raw = spam_rate / (spam_rate + ham_rate)
    return (PRIOR_STRENGTH * PRIOR_PROBABILITY + seen * raw) / (PRIOR_STRENGTH + seen)


def classify(counts: TokenCounts, tokens: Iterable[str]) -> Verdict:
    """Return the spam probability of a comment with ``tokens`` and the evidence for it."""
    clues = _strongest_clues(counts, set(tokens))
    if not clues:
        return Verdict(probability=0.5, evidence=[])
    return Verdict(probability=_fisher_combine([p for _, p in clues]), evidence=clues)


def _strongest_clues(counts: TokenCounts, distinct: set[str]) -> list[tuple[str, float]]:
    """Return up to MAX_DISCRIMINATORS ``(token, f(w))`` pairs furthest from 0.5."""
    clues = [(token, token_probability(counts, token)) for token in distinct]
    clues = [(t, p) for t, p in clues if abs(p - 0.5) >= MIN_DISTANCE]
    # Tie-break on the token so results don't depend on set iteration order.
    clues.sort(key=lambda clue: (-abs(clue[1] - 0.5), clue[0]))
    return clues[:MAX_DISCRIMINATORS]


def _fisher_combine(probabilities: list[float]) -> float:
    """Combine token probabilities with Fisher's method, as SpamBayes' chi2_spamprob does.

    Spamminess S and hamminess H each test "these tokens are random"; the score is
    (S - H + 1) / 2, so conflicting strong evidence lands near 0.5 (unsure), not at 0 or 1.
    """
    n = len(probabilities)
    spam_log = sum(math.log(max(1.0 - p, 1e-200)) for p in probabilities)
    ham_log = sum(math.log(max(p, 1e-200)) for p in probabilities)
    spamminess = 1.0 - _chi2_survival(-2.0 * spam_log, 2 * n)
    hamminess = 1.0 - _chi2_survival(-2.0 * ham_log, 2 * n)
    return (spamminess - hamminess + 1.0) / 2.0


def _chi2_survival(chi2: float, degrees: int) -> float:
    """Return P(X >= chi2) for a chi-squared X with an even number of ``degrees``."""
    half = chi2 / 2.0
    term = total = math.exp(-half)
    for i in range(1, degrees // 2):
        term *= half / i
        total += term
    return min(total, 1.0)


def describe(verdict: Verdict, *, limit: int = 3) -> str:
    """Return a moderator's one-line reason, e.g. ``classifier 0.97: tokens 'a', 'b'``."""
    toward_spam = verdict.probability >= 0.5
    words = [
        token
        for token, p in verdict.evidence
        if (p > 0.5) == toward_spam and not token.startswith(_HIDDEN_PREFIXES)
    ]
    shown = ", ".join(f"'{token.removeprefix('url:')}'" for token in words[:limit])
    reason = f"classifier {verdict.probability:.2f}"
    return f"{reason}: tokens {shown}" if shown else reason
