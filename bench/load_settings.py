"""Settings for the load benches: the production settings with the per-post limits lifted.

The per-IP submit rate comes from COMMENTS_SUBMIT_RATE, which load.py raises; every poster
comes from 127.0.0.1 and a handful of posts take all the load, so the per-post limits
(there to stop a flood on one thread) would measure the throttle, not the service. The
thread breaker, their successor, would trip within seconds for the same reason and hold
every later comment for a moderator (then each held comment is clustered with the
bench's look-alike bodies): its check still runs on every scoring, with a trip threshold
no bench reaches, so the figures are those of the approve path Isso is compared on.
"""

from blog.settings import *  # noqa: F403
from blog.settings import COMMENTS, MODERATION

COMMENTS = {**COMMENTS, "SUBMIT_RATE_PER_POST": None, "MAX_COMMENTS_PER_POST_PER_HOUR": None}
MODERATION = {**MODERATION, "BREAKER_MIN_COMMENTS": 10**9}
