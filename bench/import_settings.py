"""Settings for bench/import_speed.py: production settings, sanitizer from BENCH_SANITIZER."""

import os

from blog.settings import *  # noqa: F403
from blog.settings import COMMENTS

COMMENTS = {**COMMENTS, "SANITIZER": os.environ.get("BENCH_SANITIZER", "bleach")}
