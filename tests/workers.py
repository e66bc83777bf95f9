"""Start real Celery worker processes against the test database and broker."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
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


class Worker:
    """A `celery -A blog worker` child process; its log is kept for failing tests."""

    def __init__(self, name: str, log_dir: Path, concurrency: int = 1, **env: str) -> None:
        self.log_path = log_dir / f"worker-{name}.log"
        self.name = name
        self.concurrency = concurrency
        self.env = worker_env(**env)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> "Worker":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")  # a fresh log: "ready." must be this worker's
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "blog",
                "worker",
                "-l",
                "info",
                "-n",
                f"{self.name}@%h",
                "--pool",
                "prefork",
                "--concurrency",
                str(self.concurrency),
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: "ready." in self.log(),
            timeout=timeout,
            message=f"worker {self.name} did not start; its log:\n{self.log()}",
        )
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 20) -> None:
        """Warm shutdown: finish the task in hand, then exit."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)


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
