"""Compare scorer methods on inner folds only: inside each outer training set, doubly nested.

Run: ``.venv/bin/python bench/spam_inner.py [CANDIDATE ...]`` (all candidates by default).
For each outer test video of ``bench/spam_quality.py``, only its three training videos are
read: each of them in turn is the inner test video, and the candidate is trained and
calibrated on the other two (``train_spam``'s own calibration, itself leave-one-video-out
over those two) and measured on it through the production signals, ``score_facts`` and
``policy.decide``. The outer test video never enters, so a method chosen here can then be
run once on the outer folds without having been tuned on them. The inner sets are smaller
than the outer ones (two videos to learn from, not three), so absolute figures are lower;
the comparison between candidates is what counts. See bench/README.md.

Candidates other than ``current`` are prototypes, swapped in here (``unittest.mock``) to
decide whether building them into the product is worth it.
"""

import functools
import math
import os
import random
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from unittest import mock

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from bench import spam_corpus  # noqa: E402
from bench.spam_corpus import DATA, Folds, load_folds, train_spam  # noqa: E402
from moderation import calibration, rates  # noqa: E402
from moderation.calibration import Outcome, evaluate  # noqa: E402
from moderation.scoring import (  # noqa: E402
    Facts,
    Finding,
    Signal,
    fit,
    rules,
)
from moderation.scoring import classifier as bayes  # noqa: E402
from moderation.scoring import text as textmod  # noqa: E402
from moderation.scoring.registry import active_signals  # noqa: E402

# The bar of the issue, read on every inner fold as on every outer one.
BAR = {"recall": 0.88, "fpr": 0.01, "spam_approved": 0.03, "held": 0.15, "auc": 0.985}

InnerRow = tuple[str, Outcome, float, float]  # inner test video, outcome, hold, spam


def inner_outcomes(folds: Folds) -> dict[str, list[InnerRow]]:
    """Return, per outer test video, the outcomes on its training videos, doubly nested."""
    found: dict[str, list[InnerRow]] = {}
    for outer in folds:
        training = {k: v for k, v in folds.items() if k != outer}
        rows: list[InnerRow] = []
        for test_name, test in training.items():
            fit_on = {k: v for k, v in training.items() if k != test_name}
            calibrated = train_spam(fit_on)
            learned = [r for group in fit_on.values() for r in group]
            # Looked up at call time: a candidate may swap how the scorer is trained.
            scorer = spam_corpus.trained(learned, calibrated.weights)
            scores = [scorer.score(r) for r in test]
            outcome = evaluate(
                [s.value for s in scores],
                [r.is_spam for r in test],
                calibrated.hold,
                calibrated.spam,
                [s.cap == "hold" for s in scores],
            )
            rows.append((test_name, outcome, calibrated.hold, calibrated.spam))
        found[outer] = rows
    return found


# --- candidates: each a context in which `train_spam` and the scorer use the method


@contextmanager
def char_ngram_signal() -> Iterator[None]:
    """Character 3-5-grams inside words as a second naive Bayes signal, weight fitted.

    The counts learn the n-grams too; the word classifier (and its evidence cap) reads the
    other tokens, `_char_classifier` the n-grams.
    """

    def text_classifier(facts: Facts) -> Finding | None:
        words = [t for t in facts.tokens if not t.startswith("c:")]
        return rules.text_classifier(_with_tokens(facts, words))

    text_classifier.__name__ = "text_classifier"
    signals = [text_classifier if _name(s) == "text_classifier" else s for s in active_signals()]
    signals.insert(1, _char_classifier)
    tokens = functools.partial(textmod.tokens, char_ngrams=True)
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(textmod, "tokens", tokens))
        stack.enter_context(mock.patch.object(spam_corpus, "active_signals", return_value=signals))
        stack.enter_context(mock.patch.object(fit, "FITTED", (*fit.FITTED, "_char_classifier")))
        yield


def logistic_words_chars() -> AbstractContextManager[None]:
    """L2 logistic regression on word, bigram, link and character 3-5-gram presence."""
    return _logistic(chars=True, link_words=True)


def logistic_words() -> AbstractContextManager[None]:
    """L2 logistic regression on word, bigram and link presence (the classifier's tokens)."""
    return _logistic(chars=False, link_words=True)


def logistic_words_bayes_links() -> AbstractContextManager[None]:
    """As `logistic_words`, the words around links still read by naive Bayes (as now)."""
    return _logistic(chars=False, link_words=False)


@contextmanager
def _logistic(*, chars: bool, link_words: bool) -> Iterator[None]:
    """Score with a logistic regression prototype instead of naive Bayes (counts kept for
    the evidence cap); `link_words`: the link rule reads the words with it too."""
    models: dict[int, tuple[bayes.TokenCounts, Prototype]] = {}
    text_model = calibration.text_model
    bench_trained = spam_corpus.trained

    def fit_counts(examples: Sequence[calibration.Example]) -> bayes.TokenCounts:
        counts = text_model(examples)
        texts = [(e.text, e.own_urls, e.is_spam) for e in examples]
        models[id(counts)] = (counts, Prototype.fitted(texts, chars=chars))
        return counts

    def fit_scorer(
        rows: Sequence[spam_corpus.Row], weights: spam_corpus.Weights = spam_corpus.DEFAULT_WEIGHTS
    ) -> spam_corpus.Scorer:
        scorer = bench_trained(rows, weights)
        texts = [(r.text, r.own_urls, r.is_spam) for r in rows]
        models[id(scorer.counts)] = (scorer.counts, Prototype.fitted(texts, chars=chars))
        return scorer

    def text_classifier(facts: Facts) -> Finding | None:
        if facts.model is None or id(facts.model) not in models:
            return None
        lr = models[id(facts.model)][1]
        cap = None if rules.well_known(facts.model, facts.tokens) else "hold"
        found = features(facts.raw or facts.text, facts.own_urls, chars=chars)
        return Finding(lr.logit(found), "", cap=cap)

    def spammy_words(facts: Facts) -> bool:
        text = facts.normalized
        if rules.SELF_PROMOTION.search(text) or rules.ENGAGEMENT_BAIT.search(text):
            return True
        if facts.model is None or id(facts.model) not in models:
            return False
        prose = set(facts.prose_tokens)
        if chars:
            prose.update(textmod._char_ngrams([t for t in prose if ":" not in t]))
        threshold = math.log(rules.LINK_WORDS_PROBABILITY / (1 - rules.LINK_WORDS_PROBABILITY))
        return models[id(facts.model)][1].logit(prose) >= threshold

    text_classifier.__name__ = "text_classifier"
    signals = [text_classifier if _name(s) == "text_classifier" else s for s in active_signals()]
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(calibration, "text_model", fit_counts))
        stack.enter_context(mock.patch.object(spam_corpus, "trained", fit_scorer))
        if link_words:
            stack.enter_context(mock.patch.object(rules, "spammy_words", spammy_words))
        stack.enter_context(mock.patch.object(spam_corpus, "active_signals", return_value=signals))
        yield


def hold_one_spread_lower() -> AbstractContextManager[None]:
    """The hold threshold one standard deviation (in log-odds) of the folds' own below
    their mean: a margin for a site whose spam scores lower than the training folds'."""

    def thresholds(folds: Sequence[rates.Scored]) -> tuple[float, float]:
        edges = [rates.edge_thresholds(scores, labels) for scores, labels in folds]
        holds = [rates._logit(h) for h, _ in edges]
        hold = rates._expit(sum(holds) / len(holds) - rates.spread([h for h, _ in edges]))
        spam = rates._mean_logit([s for _, s in edges])
        return min(hold, spam), spam

    return mock.patch.object(rates, "pooled_fold_thresholds", thresholds)


def spam_domains_lift_the_link_cap() -> AbstractContextManager[None]:
    """A link to a domain moderators marked spam (more spam than ham) may be marked spam."""
    words_say_spam = rules.spammy_words

    def spammy_words(facts: Facts) -> bool:
        return bool(facts.spam_link_domains) or words_say_spam(facts)

    return mock.patch.object(rules, "spammy_words", spammy_words)


def mostly_links_below(words: int) -> Callable[[], AbstractContextManager[None]]:
    """A comment with fewer than `words` words per linked site counts as mostly links."""
    return functools.partial(mock.patch.object, rules, "WORDS_PER_LINKED_SITE", words)


CANDIDATES: dict[str, Callable[[], AbstractContextManager[None]]] = {
    "current": nullcontext,
    "char n-grams, own NB signal": char_ngram_signal,
    "logistic regression, words + char n-grams": logistic_words_chars,
    "logistic regression, words": logistic_words,
    "logistic regression, words; link words by naive Bayes": logistic_words_bayes_links,
    "hold threshold one spread lower": hold_one_spread_lower,
    **{f"mostly links below {n} words per site": mostly_links_below(n) for n in (8, 10, 12)},
    "spam-marked link domains lift the link cap": spam_domains_lift_the_link_cap,
}


# --- the prototypes' parts


@dataclass
class Prototype:
    """L2 logistic regression over feature presence, scaled by 1/sqrt(features), AdaGrad."""

    weights: dict[str, float] = field(default_factory=dict)
    bias: float = 0.0

    L2 = 1e-4
    EPOCHS = 10
    RATE = 0.5
    SEED = 1

    @classmethod
    def fitted(
        cls, texts: Sequence[tuple[str, tuple[str, ...], bool]], *, chars: bool
    ) -> "Prototype":
        """Return a model fitted on (text, own page prefixes, is spam) triples."""
        model = cls()
        rows = [(features(text, own, chars=chars), float(spam)) for text, own, spam in texts]
        squares: dict[str, float] = {}
        bias_square = 1e-8
        rng = random.Random(cls.SEED)
        for _ in range(cls.EPOCHS):
            rng.shuffle(rows)
            for found, label in rows:
                step = _sigmoid(model.logit(found)) - label
                bias_square += step * step
                model.bias -= cls.RATE * step / math.sqrt(bias_square)
                scale = 1 / math.sqrt(len(found) or 1)
                for name in found:
                    weight = model.weights.get(name, 0.0)
                    grad = step * scale + cls.L2 * weight
                    squares[name] = squares.get(name, 1e-8) + grad * grad
                    model.weights[name] = weight - cls.RATE * grad / math.sqrt(squares[name])
        return model

    def logit(self, found: set[str]) -> float:
        """Return the model's log-odds of spam for a comment's features."""
        scale = 1 / math.sqrt(len(found) or 1)
        return self.bias + scale * sum(self.weights.get(name, 0.0) for name in found)


def features(text: str, own: tuple[str, ...], *, chars: bool) -> set[str]:
    """Return the classifier's tokens of `text`, with `chars` character 3-5-grams of its words."""
    tokens = set(textmod.tokens(text, own=own))
    if chars:
        tokens.update(textmod._char_ngrams([t for t in tokens if ":" not in t]))
    return tokens


def _char_classifier(facts: Facts) -> Finding | None:
    """The naive Bayes verdict on the comment's character n-grams alone."""
    model = facts.model
    if model is None or not (model.spam_docs and model.ham_docs):
        return None
    verdict = bayes.classify(model, [t for t in facts.tokens if t.startswith("c:")])
    if not verdict.evidence:
        return None
    p = min(max(verdict.probability, 1e-6), 1 - 1e-6)
    return Finding(rules.CLASSIFIER_WEIGHT * math.log(p / (1 - p)), "")


def _with_tokens(facts: Facts, tokens: list[str]) -> Facts:
    """Return a copy of `facts` whose `tokens` are `tokens`."""
    copy = replace(facts)
    copy.__dict__["tokens"] = tokens
    return copy


def _name(signal: Signal) -> str:
    return getattr(signal, "__name__", "")


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(min(x, 40.0), -40.0)))


# --- output


def summary(rows: Sequence[InnerRow]) -> str:
    """Return one line: mean and worst inner-fold figures, and how many folds meet the bar."""
    outcomes = [o for _, o, _, _ in rows]

    def mean(name: str) -> float:
        return sum(getattr(o, name) for o in outcomes) / len(outcomes)

    passing = sum(
        o.recall >= BAR["recall"]
        and o.fpr <= BAR["fpr"]
        and o.spam_approved <= BAR["spam_approved"]
        and o.held <= BAR["held"]
        for o in outcomes
    )
    return (
        f"recall {mean('recall'):.3f} (min {min(o.recall for o in outcomes):.3f})  "
        f"FPR max {max(o.fpr for o in outcomes):.3f}  held {mean('held'):.3f}  "
        f"spam approved max {max(o.spam_approved for o in outcomes):.3f}  "
        f"AUC {mean('auc'):.3f}  folds at the bar {passing}/{len(outcomes)}"
    )


def main(names: Sequence[str]) -> int:
    """Print every candidate's inner-fold figures, per outer fold and over all."""
    if not DATA.is_dir() or not list(DATA.glob("*.csv")):
        print(f"spam corpus not found at {DATA}; skipping the benchmark.")
        return 0
    folds = load_folds(DATA)
    for name in names or list(CANDIDATES):
        with CANDIDATES[name]():
            found = inner_outcomes(folds)
        print(f"\n{name}")
        for outer, rows in found.items():
            print(f"  outer {outer:<10} inner: {summary(rows)}")
            for inner, o, hold, spam in rows:
                print(
                    f"    {inner:<10} recall {o.recall:.3f} FPR {o.fpr:.3f} AUC {o.auc:.3f} "
                    f"held {o.held:.3f} spam approved {o.spam_approved:.3f} "
                    f"({hold:.2f}-{spam:.2f})"
                )
        print(f"  all inner folds: {summary([r for rows in found.values() for r in rows])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
