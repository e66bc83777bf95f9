"""Thresholds calibrated from a site's own labelled comments, and which thresholds apply."""

import io

import pytest
from django.core.management import call_command

from comments.models import Status
from moderation import calibration
from moderation.calibration import Example, calibrate, evaluate
from moderation.conf import FALLBACK_THRESHOLDS
from moderation.models import ClassifierState
from moderation.rates import edge_thresholds
from moderation.scoring.store import calibration_store
from moderation.services import comment_score, thresholds
from tests.factories import CommentFactory

SPAM_WORDS = ["subscribe", "channel", "free", "gift", "cards", "check", "my", "videos", "win"]
HAM_WORDS = ["lovely", "song", "memories", "voice", "chorus", "beautiful", "remember", "dance"]


def corpus(n: int = 240) -> list[Example]:
    """Return a synthetic labelled corpus: spam and ham with overlapping words."""
    rows = []
    for i in range(n):
        spam = i % 2 == 0
        words = SPAM_WORDS if spam else HAM_WORDS
        other = HAM_WORDS if spam else SPAM_WORDS
        text = " ".join([words[(i + j) % len(words)] for j in range(5)] + [other[i % len(other)]])
        rows.append(Example(text + f" number{i % 7}", spam))
    return rows


def test_chosen_thresholds_meet_the_validation_targets():
    """On held-out scores, the spam threshold marks at most 1% of ham and hold lets 3% spam by."""
    scores = [i / 200 for i in range(200)]
    labels = [i >= 80 for i in range(200)]
    labels[150] = labels[151] = False  # two ham look spammy
    labels[10] = True  # one spam looks clean
    hold, spam = edge_thresholds(scores, labels)
    outcome = evaluate(scores, labels, hold, spam)
    assert outcome.fpr <= calibration.MAX_FPR
    assert outcome.spam_approved <= calibration.MAX_SPAM_APPROVED
    assert 0 < hold <= spam <= 1


def test_calibration_through_the_scorer_meets_the_targets_on_a_synthetic_set():
    """Cross-validating the real text scorer on labelled folds yields thresholds that hold."""
    from moderation.scoring.registry import active_signals

    found = calibration.calibrate_texts([corpus()], active_signals())
    assert found.folds == calibration.DEFAULT_FOLDS
    assert found.examples == 240
    assert found.expected is not None
    assert found.expected.fpr.low <= found.validation.fpr <= found.expected.fpr.high
    assert found.validation.spam_approved <= calibration.MAX_SPAM_APPROVED
    assert found.validation.auc > 0.95


def test_one_fold_per_group_is_held_out_in_turn():
    """Each group is scored by a model trained on the others, never on itself."""
    seen: list[int] = []

    def train(rows):
        return {id(r) for r in rows}

    def weigh(model, row):
        seen.append(id(row) in model)
        return {"text_classifier": 9.0 if row.is_spam else -9.0}

    groups = [[Example("a", True), Example("b", False)], [Example("c", True), Example("d", False)]]
    found = calibrate(groups, train=train, weigh=weigh, fit_weights=False)
    assert seen == [False] * 4
    assert found.validation.recall == 1.0
    assert found.validation.fpr == 0.0


def test_too_few_examples_are_refused_with_the_numbers():
    """Below the minimum of each kind, calibration says how many it has and how many it needs."""
    with pytest.raises(calibration.TooFewExamples, match="10 spam and 10 ham"):
        calibration.calibrate_texts([corpus(20)], [])


def run_train(*args: str) -> str:
    out = io.StringIO()
    call_command("train_spam", *args, stdout=out)
    return out.getvalue()


def write_corpus(path, rows) -> str:
    lines = ["CONTENT,CLASS"] + [f"{r.text},{int(r.is_spam)}" for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.mark.django_db
def test_train_spam_stores_and_prints_calibrated_thresholds(tmp_path, settings):
    """After learning, train_spam prints the chosen thresholds and the site uses them."""
    settings.MODERATION = {}
    rows = corpus()
    files = [write_corpus(tmp_path / f"part{i}.csv", rows[i :: 2 + 1]) for i in range(3)]
    output = run_train(*files)
    state = ClassifierState.objects.get()
    assert "one fold per file (3)" in output
    assert "fold 3/3" in output
    assert f"hold {state.calibrated_hold:.3f}, spam {state.calibrated_spam:.3f}" in output
    assert "expected on new comments: false positives" in output
    assert "95% interval" in output
    assert set(state.calibrated_weights) == {"prior", "scales"}
    assert set(state.calibrated_expected) >= {"fpr", "recall", "spam_approved", "held"}
    assert state.calibrated_examples == len(rows)
    assert state.calibrated_at is not None
    assert thresholds().spam == state.calibrated_spam
    assert thresholds().hold == state.calibrated_hold


@pytest.mark.django_db
def test_train_spam_can_skip_calibration(tmp_path, settings):
    """--no-calibrate learns but leaves the thresholds as they were."""
    settings.MODERATION = {}
    run_train(write_corpus(tmp_path / "c.csv", corpus()), "--no-calibrate")
    assert ClassifierState.objects.get().calibrated_spam is None
    assert thresholds().spam == FALLBACK_THRESHOLDS["SPAM_THRESHOLD"]


@pytest.mark.django_db
def test_a_small_corpus_keeps_the_fallbacks_and_says_why(tmp_path, settings):
    """Too few labelled comments: train_spam learns them, warns, and calibrates nothing."""
    settings.MODERATION = {}
    output = run_train(write_corpus(tmp_path / "c.csv", corpus(30)))
    assert "Thresholds not calibrated: too few examples" in output
    assert thresholds().hold == FALLBACK_THRESHOLDS["HOLD_THRESHOLD"]


@pytest.mark.django_db
def test_an_explicit_setting_wins_over_calibration_which_wins_over_the_fallback(settings):
    """Explicit MODERATION thresholds > the calibrated pair > the documented fallbacks."""
    settings.MODERATION = {}
    fallback = thresholds()
    assert (fallback.hold, fallback.spam) == (
        FALLBACK_THRESHOLDS["HOLD_THRESHOLD"],
        FALLBACK_THRESHOLDS["SPAM_THRESHOLD"],
    )
    calibration_store(hold=0.3, spam=0.7, examples=500)
    assert (thresholds().hold, thresholds().spam) == (0.3, 0.7)
    settings.MODERATION = {"SPAM_THRESHOLD": 0.95}
    assert (thresholds().hold, thresholds().spam) == (0.3, 0.95)
    settings.MODERATION = {"SPAM_THRESHOLD": 0.95, "HOLD_THRESHOLD": 0.5}
    assert (thresholds().hold, thresholds().spam) == (0.5, 0.95)


@pytest.mark.django_db
def test_rescore_dry_run_follows_a_new_calibration(settings):
    """A stricter calibrated spam threshold shows up in the rescore dry run."""
    settings.MODERATION = {}
    calibration_store(hold=0.2, spam=0.5, examples=400)
    body = "see https://a.example https://b.example https://bit.ly/x"
    comment = CommentFactory(status=Status.PENDING, body_source=body, body_html=body)
    comment_score(comment_id=comment.pk, revision=1)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    calibration_store(hold=0.2, spam=0.9999, examples=400)
    out = io.StringIO()
    call_command("rescore", "--since", comment.created_at.date().isoformat(), stdout=out)
    assert "1 of 1 decisions would change" in out.getvalue()
    assert "spam -> hold: 1" in out.getvalue()
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


@pytest.mark.django_db
def test_moderators_see_the_thresholds_in_effect_on_the_queue(admin_client, settings):
    """The moderation queue names the thresholds in effect and where they come from."""
    settings.MODERATION = {}
    calibration_store(hold=0.31, spam=0.87, examples=1200)
    page = admin_client.get("/admin/moderation/queuedcomment/").content.decode()
    assert "held from score 0.31, spam from 0.87" in page
    assert "calibrated by train_spam on 1200 labelled comments" in page


def test_moderators_see_the_expected_rates_of_the_calibration(admin_client, settings):
    """The queue shows the false-positive rate and recall train_spam expects, with intervals."""
    settings.MODERATION = {}
    expected = {"fpr": [0.01, 0.004, 0.02], "recall": [0.9, 0.88, 0.92], "held": [0.1, 0.08, 0.12]}
    calibration_store(hold=0.31, spam=0.87, examples=1200, expected=expected)
    page = admin_client.get("/admin/moderation/queuedcomment/").content.decode()
    assert "readers marked spam 1.0% (0.4%-2.0%)" in page
    assert "spam caught 90.0% (88.0%-92.0%)" in page


@pytest.mark.django_db
def test_stored_weights_are_what_the_scorer_adds_up_with(settings):
    """Weights stored with a calibration change the score of the next comment scored."""
    from moderation.scoring import Weights

    settings.MODERATION = {}
    body = "subscribe to my channel http://a.example"

    def scored() -> float:
        comment = CommentFactory(status=Status.PENDING, body_source=body, body_html=body)
        comment_score(comment_id=comment.pk, revision=1)
        comment.refresh_from_db()
        return comment.spam_score

    before = scored()
    calibration_store(hold=0.3, spam=0.9, examples=400, weights=Weights(prior=-9.0))
    assert scored() < before
