"""What moderation does, one module per job; the public names are importable from here.

`scoring` (score, rescore), `thresholds` (in effect, calibrate), `decisions` (a moderator's
action), `learning` (classifier and reputation, exactly once), `sweep` (lost messages),
`forget` (GDPR erasure).
"""

from moderation.services.decisions import ACTIONS, comment_moderate, comments_moderate
from moderation.services.forget import person_forget
from moderation.services.learning import LEARNED_LABELS, classifier_train, comment_learn
from moderation.services.scoring import (
    DECISION_STATUS,
    STATUS_DECISION,
    comment_rescore,
    comment_score,
)
from moderation.services.sweep import comments_sweep
from moderation.services.thresholds import thresholds, thresholds_calibrate, thresholds_in_effect

__all__ = [
    "ACTIONS",
    "DECISION_STATUS",
    "LEARNED_LABELS",
    "STATUS_DECISION",
    "classifier_train",
    "comment_learn",
    "comment_moderate",
    "comment_rescore",
    "comment_score",
    "comments_moderate",
    "comments_sweep",
    "person_forget",
    "thresholds",
    "thresholds_calibrate",
    "thresholds_in_effect",
]
