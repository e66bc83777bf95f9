"""Submit-time bot checks: the honeypot field and the signed form timestamp.

Cheap, in the request, before anything is queued. The widget fetches a form token when it
shows the form and sends it back with the comment; token-authenticated API clients need
none. A failed check returns the reason; the caller applies COMMENTS["BOT_CHECK_ACTION"].
"""

import time

from django.core import signing

from comments.conf import comments_setting

_SALT = "comments.form-token"


def form_token_issue() -> str:
    """Return a signed token carrying the time the form was shown."""
    return signing.dumps({"t": time.time()}, salt=_SALT, compress=False)


def bot_check(*, honeypot: str, form_token: str, api_client: bool) -> str | None:
    """Return why this submit looks automated, or None when it passes."""
    if honeypot.strip():
        return "honeypot field was filled in"
    if not form_token:
        return None  # API clients post without the widget; the scorer still runs
    try:
        shown_at = float(signing.loads(form_token, salt=_SALT)["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None if api_client else "form token is invalid"
    age = time.time() - shown_at
    if age < comments_setting("FORM_MIN_SECONDS"):
        return f"form sent {age:.1f}s after it was shown (too fast for a person)"
    if age > comments_setting("FORM_MAX_SECONDS"):
        return "form token has expired; reload the page"
    return None
