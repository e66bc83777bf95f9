"""Start real processes (Celery workers, servers) against the test database and broker."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def worker_env(**overrides: str) -> dict[str, str]:
    """Return the environment a worker needs to share this test run's database and broker."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONUNBUFFERED": "1"}
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    else:
        host, port = db["HOST"] or "127.0.0.1", db["PORT"] or "5432"
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{host}:{port}/{db['NAME']}"
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env.update(overrides)
    return env


class Child:
    """One subprocess in its own process group, logging to a file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name, self.argv, self.env = name, argv, env
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "Child":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def signal_group(self, signum: int) -> None:
        if self.running():
            with suppress(ProcessLookupError):
                os.killpg(self.pid, signum)

    def stop(self, timeout: float = 15) -> None:
        """Ask politely (SIGTERM), then SIGKILL the whole group."""
        if not self.running():
            return
        self.signal_group(signal.SIGCONT)  # a frozen process cannot act on SIGTERM
        # Only the main process: it stops its own children (a Celery pool, gunicorn
        # workers); SIGTERM to the whole group made Celery wait for its killed pool.
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout)  # type: ignore[union-attr]
        with suppress(ProcessLookupError):  # whatever is left of the group goes too
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(10)  # type: ignore[union-attr]

    def kill(self) -> None:
        """SIGKILL the process and all its children at once, as a crash or OOM would."""
        self.signal_group(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(10)


def start_worker(
    name: str,
    log_dir: Path,
    *,
    env: dict[str, str],
    concurrency: int = 1,
    beat: bool = False,
    queues: str | None = "celery,events,webhooks",
) -> Child:
    """Start `celery -A blog worker` (with an embedded beat if asked) and wait until ready.

    By default it consumes every queue: scoring, events and webhook deliveries; with
    `queues=None` it is started without -Q, as an operator following the README would.
    """
    argv = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "blog",
        "worker",
        "-l",
        "info",
        "-n",
        f"{name}@%h",
        "--pool",
        "prefork",
        "--concurrency",
        str(concurrency),
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        *(["-Q", queues] if queues else []),
    ]
    if beat:
        argv += ["-B", "-s", str(log_dir / f"{name}-beat-schedule")]
    child = Child(f"worker-{name}", argv, worker_env(**env), log_dir)
    seen = child.log().count("ready.")  # a restarted worker appends to its earlier log
    child.start()
    wait_for(
        lambda: child.log().count("ready.") > seen or not child.running(),
        timeout=30,
        message=f"worker {name} did not start",
    )
    assert child.running(), f"worker {name} exited; its log:\n{child.log()}"
    return child


def wait_for(
    predicate: Callable[[], object],
    *,
    timeout: float = 20,
    interval: float = 0.1,
    message: str = "condition not met",
) -> object:
    """Poll `predicate` until it returns something truthy; fail with `message` on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"after {timeout}s: {message}")
        time.sleep(interval)
