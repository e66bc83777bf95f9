"""The operator's knobs for comments: one accessor over the `COMMENTS` settings dict.

Every tunable has a documented default here; `settings.COMMENTS` overrides single keys
(moderation's own knobs live in `moderation/conf.py`, read the same way).
Values are read at call time, so tests and operators can change them.
"""

from typing import Any

from django.conf import settings

COMMENTS_DEFAULTS: dict[str, Any] = {
    # Origins allowed to embed the widget and call the API (CORS), e.g. "https://blog.example".
    "ALLOWED_ORIGINS": [],
    # Reverse proxies whose X-Forwarded-For is believed (IPs or CIDRs).
    "TRUSTED_PROXIES": [],
    # DRF rate string for submits per client IP; None switches throttling off.
    "SUBMIT_RATE": "10/min",
    # DRF rate string for submits per post (all readers together), refused with 429.
    # None (the default): a busy post is not refused; moderation's thread breaker holds
    # its comments for a moderator instead (MODERATION BREAKER_*). An opt-in hard cap.
    "SUBMIT_RATE_PER_POST": None,
    # Preview requests per client IP (the widget's "Preview" button).
    "PREVIEW_RATE": "30/min",
    # What a failed bot check (honeypot filled, form sent too fast or with a stale token)
    # does: "spam" saves the comment as spam with the reason (the bot sees a normal 201),
    # "reject" answers 400.
    "BOT_CHECK_ACTION": "spam",
    # A form submitted sooner than this after it was shown is a bot; older than the
    # second value, the token is stale.
    "FORM_MIN_SECONDS": 3,
    "FORM_MAX_SECONDS": 24 * 3600,
    # An anonymous submit without a form token skips the timing check (API clients with a
    # token never need one): "allow" lets it be; "score" gives the scorer a signal, with its
    # reason, that may hold the comment for a moderator but never marks it spam; "require"
    # answers 400 on form_token, telling the client to fetch one from /api/v1/form-token/.
    "FORM_TOKEN_MISSING": "score",
    # The same body from the same author e-mail on the same post within this many seconds
    # is a duplicate (0 = no check): "reject" answers 400, "spam" saves it as spam.
    "DUPLICATE_WINDOW_SECONDS": 24 * 3600,
    "DUPLICATE_ACTION": "reject",
    # Flood control, over the stored comments (the SUBMIT_RATE throttle is per minute): at
    # most this many comments per author e-mail / per client IP in the window (None = no
    # limit; per IP it is off by default: readers behind one NAT share an address, and
    # SUBMIT_RATE already limits each IP). "reject" answers 429 with Retry-After, "spam"
    # saves the comment as spam.
    "FLOOD_WINDOW_SECONDS": 600,
    "FLOOD_MAX_PER_AUTHOR": 20,
    "FLOOD_MAX_PER_IP": None,
    "FLOOD_ACTION": "reject",
    # More submit checks, as dotted paths to functions `guard(submission)` that raise
    # comments.guard.SubmitRefused or return a reason to store the comment as spam.
    # moderation's bans are one: `comments` reaches moderation only through this list.
    "SUBMIT_GUARDS": ["moderation.sanctions.ban_guard"],
    # Upper bounds on what a reader can send (the API and the widget's form both read
    # them; names up to 200 characters fit the database column).
    "MAX_BODY_LENGTH": 10_000,
    "MAX_NAME_LENGTH": 80,
    "MAX_URL_LENGTH": 500,
    "MAX_EMAIL_LENGTH": 254,
    # Replies nest at most this deep (0 = top level only, no replies).
    "MAX_DEPTH": 6,
    # How long the author may edit or delete, in seconds.
    "EDIT_WINDOW_SECONDS": 15 * 60,
    # Comments close on posts older than this many days; None never closes them.
    "CLOSE_AFTER_DAYS": None,
    # Show approved pingbacks and trackbacks (kept by imports) in public threads and counts.
    "SHOW_PINGBACKS": False,
    # Sanitizer backend: "bleach" (default) or "nh3".
    "SANITIZER": "bleach",
    # Keep IP addresses this many days, then anonymize them: the periodic task
    # `comments.anonymize_old_ips` clears ip_address (and user_agent, referrer) and keeps
    # only ip_network (/24 or /64), which network reputation still uses.
    "IP_RETENTION_DAYS": 30,
    # How long a submit's Idempotency-Key remembers its first answer, in seconds.
    "IDEMPOTENCY_TTL_SECONDS": 24 * 3600,
    # At most this many comments per post in any hour, all readers together (429 beyond);
    # None (the default) switches the hard cap off: the thread breaker handles spikes.
    "MAX_COMMENTS_PER_POST_PER_HOUR": None,
    # Mail: the site's name (subjects, signatures) and the public address links point to.
    "SITE_NAME": "Threadkeeper",
    "SITE_URL": "http://127.0.0.1:8000",
    # A message the mail server did not take is tried again after these many seconds
    # (then every last value, by the outbox sweep), up to MAIL_MAX_ATTEMPTS in all.
    "MAIL_RETRY_SECONDS": [30, 120, 600, 1800, 3600],
    "MAIL_MAX_ATTEMPTS": 12,
    # A message claimed by a worker that died before it finished is sent again after this.
    "MAIL_CLAIM_SECONDS": 600,
    # Reply notifications: at most one mail per thread per address in this many seconds;
    # replies approved meanwhile go into the next one.
    "REPLY_MAIL_WINDOW_SECONDS": 3600,
}


def comments_setting(name: str) -> Any:
    """Return the operator's value of COMMENTS[name], or its documented default."""
    return read_setting("COMMENTS", COMMENTS_DEFAULTS, name)


def read_setting(group: str, defaults: dict[str, Any], name: str) -> Any:
    """Return settings.<group>[name], or `defaults[name]`; an unknown name is an error."""
    if name not in defaults:
        raise KeyError(f"{group}[{name!r}] is not a known setting; known: {sorted(defaults)}")
    return getattr(settings, group, {}).get(name, defaults[name])
