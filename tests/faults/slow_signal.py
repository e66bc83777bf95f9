"""A test-only spam signal that leaves a mark and then sleeps, so a fault lands mid-scoring.

tests/settings.py adds it to MODERATION["SIGNALS"] when THREADKEEPER_TEST_SLOW_SIGNAL names
a folder; each call writes a file there holding the scoring process's pid.
"""

import os
import time
from pathlib import Path

from moderation.scoring import Facts, Finding


def pause(facts: Facts) -> Finding | None:
    """Record that scoring has started in this process, then take a while about it."""
    folder = Path(os.environ["THREADKEEPER_TEST_SLOW_SIGNAL"])
    (folder / f"scoring-{os.getpid()}-{time.monotonic_ns()}").write_text(str(os.getpid()))
    time.sleep(float(os.environ.get("THREADKEEPER_TEST_SLOW_SECONDS", "3")))
    return None


def marks(folder: Path) -> list[int]:
    """Return the pids of the processes that started scoring, oldest first."""
    files = sorted(folder.glob("scoring-*"), key=lambda f: int(f.name.rsplit("-", 1)[1]))
    return [int(f.read_text()) for f in files]
