"""Moderation's knobs: one accessor over the `MODERATION` settings dict.

Every tunable has a documented default here; `settings.MODERATION` overrides single keys.
Values are read at call time, so tests and operators can change them.
"""

from typing import Any

from comments.conf import read_setting

MODERATION_DEFAULTS: dict[str, Any] = {
    # Scores below HOLD_THRESHOLD are approved on posts in "post" moderation mode; from it
    # up to SPAM_THRESHOLD a moderator decides; at or above SPAM_THRESHOLD: spam. None (the
    # default) = use the pair `manage.py train_spam` calibrated on the site's own labelled
    # comments (cross-validated: each fold's lowest spam threshold with at most 1% of real
    # readers marked spam and highest hold threshold letting at most 3% of spam through,
    # averaged over the folds; see moderation/rates.py), or FALLBACK_THRESHOLDS below until
    # it has. A number overrides the calibration; never 0.5 out of habit.
    "HOLD_THRESHOLD": None,
    "SPAM_THRESHOLD": None,
    # The spam signals, in order; a site may add its own functions `signal(facts)`.
    "SIGNALS": [
        "moderation.scoring.rules.text_classifier",
        "moderation.scoring.rules.links",
        "moderation.scoring.rules.shorteners",
        "moderation.scoring.rules.self_promotion",
        "moderation.scoring.rules.engagement_bait",
        "moderation.scoring.rules.length",
        "moderation.scoring.rules.capitals",
        "moderation.scoring.rules.spam_link_domains",
        "moderation.scoring.rules.author_history",
        "moderation.scoring.rules.ip_history",
        "moderation.scoring.rules.blocklist",
        "moderation.scoring.rules.form_token_missing",
        "moderation.akismet.akismet_check",
    ],
    # Trust rules a site may turn on (each holds a comment the scorer would approve):
    # an author's first comment (no approved comment from that e-mail yet), any comment
    # with links, and authors with fewer than this many approved comments (0 = off).
    "HOLD_FIRST_COMMENT": False,
    "HOLD_LINKS": False,
    "HOLD_BELOW_APPROVED": 0,
    # Automatic follow-up: after this many moderators' spam decisions for one e-mail or
    # one network (/24, /64) within AUTO_BAN_WINDOW_SECONDS, shadow-ban it for
    # AUTO_BAN_DAYS (None = until lifted). None (the default) = off.
    "AUTO_BAN_AFTER_SPAM": None,
    "AUTO_BAN_WINDOW_SECONDS": 7 * 24 * 3600,
    "AUTO_BAN_DAYS": 30,
    # The thread circuit breaker (moderation/breaker.py): when a post gets at least
    # BREAKER_MIN_COMMENTS comments in BREAKER_WINDOW_SECONDS and more than
    # BREAKER_RATE_FACTOR times its usual count per window (over the BREAKER_BASELINE_HOURS
    # before), or when at least BREAKER_BAD_SHARE of its last BREAKER_MIN_SCORED or more
    # scored comments in the window were held or spam, its new comments are held for a
    # moderator for BREAKER_COOL_DOWN_SECONDS. Readers are never refused for it.
    "BREAKER_ENABLED": True,
    "BREAKER_WINDOW_SECONDS": 600,
    "BREAKER_BASELINE_HOURS": 24,
    "BREAKER_MIN_COMMENTS": 30,
    "BREAKER_RATE_FACTOR": 5.0,
    "BREAKER_MIN_SCORED": 10,
    "BREAKER_BAD_SHARE": 0.6,
    "BREAKER_COOL_DOWN_SECONDS": 1800,
    # Comments still unscored after this many seconds are queued again by the sweep.
    "SWEEP_AFTER_SECONDS": 120,
    # Akismet: off unless a key is set. BLOG_URL is the site's address (Akismet's "blog").
    "AKISMET_API_KEY": "",
    "AKISMET_BLOG_URL": "",
    # Another Akismet-compatible endpoint, if any; seconds to wait for an answer; is_test=1.
    "AKISMET_API_URL": "https://rest.akismet.com",
    "AKISMET_TIMEOUT": 2.0,
    "AKISMET_IS_TEST": False,
    # Moderator alerts: at most one immediate mail per moderator in this many seconds;
    # comments held meanwhile go into the next one.
    "ALERT_WINDOW_SECONDS": 300,
    # Moderators who chose the digest get it once a day at this hour (0-23, TIME_ZONE).
    "DIGEST_HOUR": 8,
    # Decision links in alert mail stay valid this long (each works once).
    "DECISION_LINK_MAX_AGE_SECONDS": 7 * 24 * 3600,
}

# Thresholds before any calibration (no train_spam yet, or fewer than 100 labelled comments
# of each kind). Conservative: hold rather than mark spam when unsure. bench/spam_quality.py
# measured spam 0.9 at FPR <= 0.6% on every leave-one-video-out fold (recall 0.73) and hold
# 0.25 letting at most 5% of spam through; with 100 training comments, FPR <= 1%.
FALLBACK_THRESHOLDS: dict[str, float] = {"HOLD_THRESHOLD": 0.25, "SPAM_THRESHOLD": 0.9}


def moderation_setting(name: str) -> Any:
    """Return the operator's value of MODERATION[name], or its documented default."""
    return read_setting("MODERATION", MODERATION_DEFAULTS, name)
