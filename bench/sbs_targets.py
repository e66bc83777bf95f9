"""The servers the side-by-side runner compares, each started on loopback with 2 workers.

Isso (from PyPI, in its own virtualenv), the DRF framework floor (bench/sbs_floor.py), the
submit floor (the same app storing in PostgreSQL and queueing to a minimal Celery worker,
bench/sbs_floor_worker.py), and this service in production settings on PostgreSQL +
Redis and on the embedded defaults (SQLite, the filesystem broker and the file cache),
each with one Celery worker.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import ROOT, free_port, gunicorn_version, port_open, spawn, stop, wait_until
from bench.sbs_service import READ_SLUG, WRITE_SLUG

ISSO_POST = (
    '{"title":"Bench","author":"Reader %d","email":"r%s-%d-%d@example.org",'
    '"text":"Comment %d from reader %d: thanks, the fix *worked* for me. %s"}'
)
SERVICE_POST = (
    '{"author_name":"Reader %d","author_email":"r%s-%d-%d@example.org",'
    '"body":"Comment %d from reader %d: thanks, the fix *worked* for me. %s"}'
)


@dataclass
class Target:
    name: str
    port: int
    get: str
    post: str
    post_template: str
    web: list[subprocess.Popen[bytes]] = field(default_factory=list)
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    get_plain: str = ""  # Isso's read without Markdown rendering
    etag: str = ""
    env: dict[str, str] = field(default_factory=dict)
    helper: str = "sbs_service.py"  # counts and times its verdicts (in bench/)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def children(self) -> list[subprocess.Popen[bytes]]:
        return [*self.web, *self.workers]


def gunicorn(
    python: str, app: str, port: int, env: dict[str, str], folder: Path, name: str
) -> subprocess.Popen[bytes]:
    argv = [python, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    argv += ["--timeout", "60", "--log-level", "warning"]
    if python == sys.executable and gunicorn_version() >= (27,):
        argv.append("--no-control-socket")
    return spawn(name, argv, env, folder)


def fetch(url: str, data: dict[str, object] | None = None) -> tuple[int, bytes, str]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, method="POST" if body else "GET")  # noqa: S310
    if body:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310 (loopback)
        return answer.status, answer.read(), answer.headers.get("ETag", "")


# --- Isso


def isso_python(venv: Path) -> tuple[str | None, str]:
    """Return (python of a virtualenv with isso and gunicorn, "") or (None, why not)."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    probe = subprocess.run(
        [str(python), "-c", "import isso, gunicorn"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        setup = subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "isso", "gunicorn"],
            capture_output=True,
            text=True,
            check=False,
        )
        if setup.returncode != 0:
            return None, f"pip install isso gunicorn failed: {setup.stderr.strip()[-400:]}"
    return str(python), ""


def start_isso(python: str, folder: Path, comments: int) -> Target:
    port = free_port()
    conf = folder / "isso.cfg"
    conf.write_text(
        f"[general]\ndbpath = {folder / 'isso.db'}\nhost = http://127.0.0.1:{port}/\n"
        "[moderation]\nenabled = false\n[guard]\nenabled = false\n"
    )
    env = {**os.environ, "ISSO_SETTINGS": str(conf)}
    target = Target(
        "isso", port, f"/?uri=/{READ_SLUG}", f"/new?uri=/{WRITE_SLUG}", ISSO_POST, env=env
    )
    target.get_plain = target.get + "&plain=1"
    target.web.append(gunicorn(python, "isso.run:application", port, env, folder, "isso"))
    with stopped_on_failure(target):
        wait_until(lambda: port_open(port), 30, "isso did not start")
        _seed_isso(target, comments)
    return target


def _seed_isso(target: Target, comments: int) -> None:
    made: list[int] = []
    for n in range(comments):
        data: dict[str, object] = {
            "title": "Bench",
            "author": f"Reader {n % 37}",
            "email": f"reader{n % 37}@example.org",
            "text": f"Comment {n}: thanks for the *write-up*, see https://example.org/{n} too.",
        }
        if n % 4 == 3:
            data["parent"] = made[n // 2]
        made.append(json.loads(fetch(target.url(f"/new?uri=/{READ_SLUG}"), data)[1])["id"])


# --- the framework floor


def start_floor(folder: Path, payload: bytes) -> Target:
    port = free_port()
    (folder / "thread.json").write_bytes(payload)
    env = {
        **os.environ,
        "BENCH_FLOOR_PAYLOAD": str(folder / "thread.json"),
        "PYTHONPATH": str(ROOT),
    }
    target = Target("floor", port, "/thread/", "/thread/", SERVICE_POST, env=env)
    target.web.append(
        gunicorn(sys.executable, "bench.sbs_floor:application", port, env, folder, "floor")
    )
    with stopped_on_failure(target):
        wait_until(lambda: port_open(port), 30, "the floor app did not start")
        target.etag = fetch(target.url(target.get))[2]
    return target


# --- the submit floor


def start_floor_queue(folder: Path, db: str, broker: str, concurrency: int) -> Target:
    """Start the floor app storing and queueing each POST, and its minimal Celery worker."""
    port = free_port()
    env = {
        **os.environ,
        "BENCH_FLOOR_DATABASE_URL": db,
        "BENCH_FLOOR_BROKER_URL": broker,
        "PYTHONPATH": str(ROOT),
    }
    target = Target("floor-queue", port, "", "/submit/", SERVICE_POST, env=env)
    target.helper = "sbs_floor_worker.py"
    helper(env, "create", script=target.helper)
    target.web.append(
        gunicorn(sys.executable, "bench.sbs_floor:application", port, env, folder, target.name)
    )
    worker = [sys.executable, "-m", "celery", "-A", "bench.sbs_floor_worker", "worker"]
    worker += ["-l", "warning", "-n", "floor-queue@%h", "--concurrency", str(concurrency)]
    worker += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    target.workers.append(spawn(f"{target.name}-worker", worker, env, folder))
    with stopped_on_failure(target):
        wait_until(lambda: port_open(port), 30, "the submit floor did not start")
        # Warm up (web workers loaded, the broker connected, the pool processes started)
        # so that no start-up CPU is counted in the first run.
        for n in range(8):
            fetch(
                target.url(target.post),
                {"author_name": "W", "author_email": f"w{n}@x.org", "body": "warm"},
            )
        wait_for_verdicts(target, "2000-01-01T00:00:00+00:00", limit=60)
    return target


# --- this service


def service_env(name: str, folder: Path, db: str, redis: tuple[str, str] | None) -> dict[str, str]:
    var = folder / name
    var.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DJANGO_SECRET_KEY": f"side-by-side-{os.getpid()}-{time.time_ns()}",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": db,
        "COMMENTS_SUBMIT_RATE": "1000000/min",
        "THREADKEEPER_VAR_DIR": str(var),
        "PYTHONPATH": str(ROOT),
    }
    for key in ("CELERY_BROKER_URL", "CACHE_URL"):
        env.pop(key, None)
    if redis:
        env["CELERY_BROKER_URL"], env["CACHE_URL"] = redis
    return env


def helper(env: dict[str, str], *args: str, script: str = "sbs_service.py") -> str:
    """Run bench/`script` in a server's environment; return what it printed."""
    argv = [sys.executable, str(ROOT / "bench" / script), *args]
    done = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"bench/{script} {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def start_service(
    name: str, env: dict[str, str], folder: Path, comments: int, concurrency: int
) -> Target:
    helper(env, "seed", str(comments))
    port = free_port()
    target = Target(
        name,
        port,
        f"/api/v1/posts/{READ_SLUG}/comments/?page_size={min(comments, 200)}",
        f"/api/v1/posts/{WRITE_SLUG}/comments/",
        SERVICE_POST,
        env=env,
    )
    target.web.append(gunicorn(sys.executable, "blog.wsgi:application", port, env, folder, name))
    worker = [sys.executable, "-m", "celery", "-A", "blog", "worker", "-l", "warning"]
    worker += ["-n", f"{name}@%h", "--concurrency", str(concurrency)]
    worker += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    target.workers.append(spawn(f"{name}-worker", worker, env, folder))
    with stopped_on_failure(target):
        wait_until(lambda: port_open(port), 30, f"{name}: gunicorn did not start")
        target.etag = fetch(target.url(target.get))[2]
    return target


@contextmanager
def stopped_on_failure(target: Target) -> Iterator[None]:
    """Stop what `target` started if it fails before the runner knows about it."""
    try:
        yield
    except BaseException:
        for child in target.children():
            stop(child)
        raise


def wait_for_verdicts(target: Target, since: str, limit: float = 180) -> None:
    """Wait until the worker has scored every comment the last POST run submitted."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not int(helper(target.env, "unscored", since, script=target.helper).strip() or 0):
            return
        time.sleep(1)


def verdict_waits(target: Target, since: str) -> tuple[list[float], int]:
    found = json.loads(helper(target.env, "verdicts", since, script=target.helper))
    return found["waits"], found["unscored"]
