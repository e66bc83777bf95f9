"""Settings for bench/load.py: the production settings with the per-post limits lifted.

The per-IP submit rate comes from COMMENTS_SUBMIT_RATE, which load.py raises; every poster
comes from 127.0.0.1 and a handful of posts take all the load, so the per-post limits
(there to stop a flood on one thread) would measure the throttle, not the service.
"""

from blog.settings import *  # noqa: F403
from blog.settings import COMMENTS

COMMENTS = {**COMMENTS, "SUBMIT_RATE_PER_POST": None, "MAX_COMMENTS_PER_POST_PER_HOUR": None}
