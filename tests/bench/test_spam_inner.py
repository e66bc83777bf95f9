"""The inner-fold comparison reads only each outer fold's training videos."""

import pytest

from bench import spam_corpus, spam_inner
from bench.spam_corpus import Row
from moderation.calibration import Calibration, Outcome
from moderation.scoring import Score


class _Seen:
    """Record which videos each fit and each score saw, scoring every row 0.5."""

    def __init__(self) -> None:
        self.fitted: list[set[str]] = []
        self.scored: list[str] = []

    def train_spam(self, groups: spam_corpus.Folds) -> Calibration:
        self.fitted.append(set(groups))
        nothing = Outcome(0, 0, 0, 0, 0, 0)
        return Calibration(hold=0.3, spam=0.9, examples=1, folds=2, validation=nothing)

    def trained(self, rows: list[Row], weights: object) -> "_Seen":
        self.fitted.append({r.video for r in rows})
        return self

    def score(self, row: Row) -> Score:
        self.scored.append(row.video)
        return Score(0.5, [])


@pytest.fixture
def seen(monkeypatch):
    recorder = _Seen()
    monkeypatch.setattr(spam_inner, "train_spam", recorder.train_spam)
    monkeypatch.setattr(spam_corpus, "trained", recorder.trained)
    return recorder


def test_each_inner_fold_fits_on_two_training_videos_and_tests_on_the_third(seen):
    """Outer Psy: KatyPerry, LMFAO and Eminem each tested on a fit of the other two only."""
    folds = {
        name: [Row(f"{name} says hi", "a", False, name), Row(f"{name} buy", "b", True, name)]
        for name in ("Psy", "KatyPerry", "LMFAO", "Eminem")
    }
    found = spam_inner.inner_outcomes(folds)
    assert [name for name, *_ in found["Psy"]] == ["KatyPerry", "LMFAO", "Eminem"]
    psy_fits = seen.fitted[:6]  # outer Psy: three inner folds, a calibration and a model each
    assert all("Psy" not in videos and len(videos) == 2 for videos in psy_fits)
    assert "Psy" not in seen.scored[:6]
