"""The thresholds in effect (settings, calibration or fallbacks), and calibrating them."""

from collections.abc import Sequence

from moderation import calibration, policy
from moderation.conf import FALLBACK_THRESHOLDS, moderation_setting
from moderation.scoring.registry import active_signals
from moderation.scoring.store import calibration_current, calibration_store


def thresholds() -> policy.Thresholds:
    """Return the thresholds in effect: the operator's, else calibrated, else the fallbacks.

    Each of MODERATION HOLD_THRESHOLD / SPAM_THRESHOLD wins when set; an unset one comes
    from the pair `train_spam` calibrated (read with the model's version stamp, so every
    worker follows a new calibration), else from FALLBACK_THRESHOLDS in moderation/conf.py.
    """
    return thresholds_in_effect()[0]


def thresholds_in_effect(*, recent: bool = False) -> tuple[policy.Thresholds, str]:
    """Return the thresholds in effect and where they come from (for moderators to see).

    `recent`: the caller just loaded the model, whose stamp query read the calibration.
    """
    hold, spam = moderation_setting("HOLD_THRESHOLD"), moderation_setting("SPAM_THRESHOLD")
    if hold is not None and spam is not None:
        return policy.Thresholds(hold=min(hold, spam), spam=spam), "MODERATION settings"
    calibrated = calibration_current(recent=recent)
    if calibrated is not None:
        base = (calibrated.hold, calibrated.spam)
        source = f"calibrated by train_spam on {calibrated.examples} labelled comments"
    else:
        base = (FALLBACK_THRESHOLDS["HOLD_THRESHOLD"], FALLBACK_THRESHOLDS["SPAM_THRESHOLD"])
        source = "fallbacks, not calibrated yet: run manage.py train_spam"
    if hold is not None or spam is not None:
        source = f"MODERATION settings, the rest {source}"
    hold = base[0] if hold is None else hold
    spam = base[1] if spam is None else spam
    return policy.Thresholds(hold=min(hold, spam), spam=spam), source


def thresholds_calibrate(
    *, groups: Sequence[Sequence[calibration.Example]], progress: calibration.Progress | None = None
) -> calibration.Calibration:
    """Choose thresholds by cross-validating the scorer on labelled comments, and store them.

    One fold per group (a CSV file), or stratified folds when there is one group; see
    `moderation.calibration`. Raises `calibration.TooFewExamples` below its minimum.
    """
    found = calibration.calibrate_texts(groups, active_signals(), progress=progress)
    calibration_store(
        hold=found.hold,
        spam=found.spam,
        examples=found.examples,
        weights=found.weights,
        expected=calibration.expected_summary(found),
    )
    return found
