"""The spam benchmark's data: the blog readers' ham set in the repo, the shared corpus."""

import csv

import pytest

from bench.spam_corpus import BLOG_HAM, DATA, load_blog_ham, load_folds, train_spam

needs_corpus = pytest.mark.skipif(
    not DATA.is_dir() or not list(DATA.glob("*.csv")),
    reason=f"the YouTube Spam Collection is not at {DATA}",
)


def test_the_blog_ham_set_is_large_varied_and_all_ham():
    """At least 150 distinct comments, all ham, of every kind a blog's readers write."""
    rows = load_blog_ham()
    with BLOG_HAM.open(newline="", encoding="utf-8") as handle:
        kinds = {row["KIND"] for row in csv.DictReader(handle)}
    assert len(rows) >= 150
    assert len({r.text for r in rows}) == len(rows)
    assert not any(r.is_spam for r in rows)
    assert kinds == {"long", "links", "code", "language", "short"}


@needs_corpus
def test_the_four_videos_load_with_their_published_counts():
    """Each video's rows load with the class counts the corpus README gives."""
    folds = load_folds(DATA)
    counts = {name: (sum(r.is_spam for r in rows), len(rows)) for name, rows in folds.items()}
    assert counts == {
        "Psy": (175, 350),
        "KatyPerry": (175, 350),
        "LMFAO": (236, 438),
        "Eminem": (245, 448),
    }


@needs_corpus
def test_three_videos_fit_weights_and_thresholds_with_their_expected_rates():
    """train_spam on three videos fits a prior, trusts the classifier, and reports its rates."""
    folds = load_folds(DATA)
    found = train_spam({k: v for k, v in folds.items() if k != "Psy"})
    assert found.weights.prior < 0
    assert found.weights.scales["text_classifier"] > 0
    assert 0 < found.hold <= found.spam < 1
    assert found.expected is not None
    assert found.expected.fpr.low <= found.validation.fpr <= found.expected.fpr.high
    assert len(found.expected.fold_spam) == found.folds == 3
