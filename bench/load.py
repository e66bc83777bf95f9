"""Load: N concurrent posters for T seconds against gunicorn + Celery on PostgreSQL + Redis.

    .venv/bin/python bench/load.py --posters 20 --seconds 30

Starts everything itself on loopback: a private redis-server (broker db 0, cache db 1), a
throwaway PostgreSQL database (created, migrated, dropped), gunicorn and Celery workers
(one with beat, so the sweep runs). Or give LOAD_DATABASE_URL to use
existing ones, with LOAD_BROKER_URL and LOAD_CACHE_URL (loopback only; the database is
migrated and gets posts and comments: use a disposable one).

Then checks that every 201 has its row and, within --verdict-wait seconds, its verdict.
Prints accepted/s, latency percentiles and lost; exits 1 if anything was lost, left
unscored or answered 5xx. Bounded: at most 200 posters and 300 seconds.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
WARMUP_SECONDS = 3
PG_ADMIN = os.environ.get("LOAD_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")


@dataclass
class Tally:
    """What the posters saw; appended to from many threads under one lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    accepted: dict[int, float] = field(default_factory=dict)  # comment id → latency
    statuses: dict[int, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def record(self, status: int, seconds: float, comment_id: int | None) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if comment_id is not None:
                self.accepted[comment_id] = seconds


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posters", type=int, default=20, help="concurrent posters (≤ 200)")
    parser.add_argument("--seconds", type=float, default=30, help="how long they post (≤ 300)")
    parser.add_argument("--posts", type=int, default=10, help="posts the comments spread over")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--celery-workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--concurrency", type=int, default=2, help="pool size per Celery worker")
    parser.add_argument(
        "--verdict-wait", type=float, default=120, help="seconds to wait for verdicts"
    )
    args = parser.parse_args()
    if not (1 <= args.posters <= 200 and 1 <= args.seconds <= 300):
        parser.error("bounded on purpose: 1-200 posters, 1-300 seconds")
    return args


def loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK:
        sys.exit(f"refusing {url!r}: the load bench talks to loopback only")
    return url


@contextmanager
def redis_urls(folder: Path) -> Iterator[tuple[str, str]]:
    """Yield (broker, cache) URLs: LOAD_BROKER_URL/LOAD_CACHE_URL, or a private redis-server."""
    if os.environ.get("LOAD_BROKER_URL"):
        yield loopback(os.environ["LOAD_BROKER_URL"]), loopback(os.environ["LOAD_CACHE_URL"])
        return
    port = free_port()
    server = spawn(
        "redis",
        [
            shutil.which("redis-server") or "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        dict(os.environ),
        folder,
    )
    try:
        wait_until(lambda: port_open(port), 10, "redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0", f"redis://127.0.0.1:{port}/1"
    finally:
        stop(server)


@contextmanager
def database_url() -> Iterator[str]:
    """Yield LOAD_DATABASE_URL, or a fresh PostgreSQL database dropped afterwards."""
    if given := os.environ.get("LOAD_DATABASE_URL"):
        yield loopback(given)
        return
    import psycopg

    name = f"threadkeeper_load_{os.getpid()}"
    admin = loopback(PG_ADMIN)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def service_env(db: str, redis: tuple[str, str], folder: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.load_settings",
        "DJANGO_SECRET_KEY": f"load-bench-{os.getpid()}-{time.time_ns()}",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DATABASE_URL": db,
        "CELERY_BROKER_URL": redis[0],
        "CACHE_URL": redis[1],
        "COMMENTS_SUBMIT_RATE": "1000000/min",
        "THREADKEEPER_VAR_DIR": str(folder),
        "PYTHONPATH": str(ROOT),
    }


def prepare(env: dict[str, str], posts: int) -> list[str]:
    """Migrate, and create the posts to comment on; return their slugs."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from blog.models import Post

    call_command("migrate", verbosity=0, interactive=False)
    slugs = [f"load-{n}" for n in range(posts)]
    for slug in slugs:
        Post.objects.get_or_create(
            slug=slug,
            defaults={
                "title": slug,
                "body": "Load test post.",
                "author": "Bench",
                "published_at": timezone.now(),
                "moderation_mode": "post",
            },
        )
    return slugs


def start_services(args: argparse.Namespace, env: dict[str, str], folder: Path) -> tuple[list, int]:
    port = free_port()
    py = sys.executable
    children = [
        spawn(
            "web",
            [
                py,
                "-m",
                "gunicorn",
                "blog.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.web_workers),
                "--timeout",
                "60",
                *(["--no-control-socket"] if gunicorn_version() >= (27,) else []),
            ],
            env,
            folder,
        )
    ]
    for n in range(args.celery_workers):
        argv = [
            py,
            "-m",
            "celery",
            "-A",
            "blog",
            "worker",
            "-l",
            "warning",
            "-n",
            f"load{n}@%h",
            "--concurrency",
            str(args.concurrency),
            "--without-mingle",
            "--without-gossip",
        ]
        if n == 0:
            argv += ["-B", "-s", str(folder / "beat-schedule")]
        children.append(spawn(f"worker{n}", argv, env, folder))
    wait_until(lambda: answers(port), 30, "gunicorn did not start")
    return children, port


def poster(port: int, slugs: list[str], deadline: float, tally: Tally, number: int) -> None:
    """Post comments one after another until the deadline, like a very keen reader."""
    sent = 0
    while time.monotonic() < deadline:
        slug = slugs[(number + sent) % len(slugs)]
        body = {
            "author_name": f"Poster {number}",
            "author_email": f"p{number}-{sent}@example.org",
            "body": f"Comment {sent} from poster {number}: thanks, the fix worked.",
        }
        started = time.monotonic()
        try:
            status, answer = post_json(port, f"/api/v1/posts/{slug}/comments/", body)
        except OSError as error:
            tally.record(0, time.monotonic() - started, None)
            tally.failures.append(f"poster {number}: {error}")
            continue
        comment_id = answer.get("id") if status == 201 else None
        tally.record(status, time.monotonic() - started, comment_id)
        sent += 1


def post_json(port: int, path: str, data: dict) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", path, json.dumps(data), {"Content-Type": "application/json"})
        reply = conn.getresponse()
        raw = reply.read()
        return reply.status, json.loads(raw) if reply.status == 201 else {}
    finally:
        conn.close()


def run_load(
    args: argparse.Namespace, port: int, slugs: list[str], seconds: float, first: int = 0
) -> tuple[Tally, float]:
    """Run the posters (numbered from `first`) for `seconds`; return what they saw."""
    tally = Tally()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=poster, args=(port, slugs, deadline, tally, first + n))
        for n in range(args.posters)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def verify(ids: list[int], wait: float) -> tuple[int, int, float]:
    """Return (rows found, still unscored after the wait, seconds waited for verdicts)."""
    from django.db.models import F

    from comments.models import Comment

    found = Comment.objects.filter(pk__in=ids).count()
    started = time.monotonic()
    while True:
        unscored = Comment.objects.filter(pk__in=ids).exclude(scored_revision=F("revision")).count()
        if unscored == 0 or time.monotonic() - started > wait:
            return found, unscored, time.monotonic() - started
        time.sleep(0.5)


def report(
    args: argparse.Namespace, tally: Tally, elapsed: float, found: int, unscored: int, waited: float
) -> bool:
    latencies = sorted(tally.accepted.values())
    accepted = len(latencies)
    errors = sum(n for status, n in tally.statuses.items() if status >= 500 or status == 0)
    lost = accepted - found
    print(
        f"posters={args.posters} seconds={args.seconds:g} web_workers={args.web_workers} "
        f"celery={args.celery_workers}x{args.concurrency} cpus={os.cpu_count()}"
    )
    print(f"answers: {dict(sorted(tally.statuses.items()))}")
    print(f"accepted: {accepted} in {elapsed:.1f}s = {accepted / elapsed:.1f}/s")
    if latencies:
        print(
            f"latency of 201s: p50={pct(latencies, 50):.0f}ms p95={pct(latencies, 95):.0f}ms "
            f"p99={pct(latencies, 99):.0f}ms max={latencies[-1] * 1000:.0f}ms"
        )
    print(f"rows found: {found}/{accepted}; lost = {lost}")
    print(f"verdicts: all but {unscored} within {waited:.1f}s after the load stopped")
    for failure in tally.failures[:5]:
        print(f"  failure: {failure}")
    return lost == 0 and unscored == 0 and errors == 0


def pct(sorted_seconds: list[float], p: float) -> float:
    index = min(len(sorted_seconds) - 1, round(p / 100 * (len(sorted_seconds) - 1)))
    return sorted_seconds[index] * 1000


def main() -> int:
    args = options()
    folder = Path(tempfile.mkdtemp(prefix="tk-load-"))
    children: list[subprocess.Popen[bytes]] = []
    try:
        with redis_urls(folder) as redis, database_url() as db:
            env = service_env(loopback(db), redis, folder)
            slugs = prepare(env, args.posts)
            children, port = start_services(args, env, folder)
            # Every gunicorn and pool process loads its code on first use: not measured.
            warmup, _ = run_load(args, port, slugs, WARMUP_SECONDS, first=args.posters)
            tally, elapsed = run_load(args, port, slugs, args.seconds)
            ids = [*warmup.accepted, *tally.accepted]
            found, unscored, waited = verify(ids, args.verdict_wait)
            ok = report(args, tally, elapsed, found - len(warmup.accepted), unscored, waited)
            for child in children:
                stop(child)
            from django.db import connections

            connections.close_all()
    finally:
        for child in children:
            stop(child)
        print(f"logs: {folder}")
    return 0 if ok else 1


# --- processes and ports


def spawn(name: str, argv: list[str], env: dict[str, str], folder: Path) -> subprocess.Popen[bytes]:
    with (folder / f"{name}.log").open("ab") as log:
        return subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        with suppress(ProcessLookupError):
            os.killpg(child.pid, signal.SIGTERM)
        try:
            child.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait(5)


def gunicorn_version() -> tuple[int, ...]:
    import gunicorn

    return tuple(gunicorn.version_info)


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def answers(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/api/v1/posts/load-0/comments/")
        return conn.getresponse().status == 200
    except OSError:
        return False


def wait_until(predicate, seconds: float, message: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            sys.exit(message)
        time.sleep(0.2)


if __name__ == "__main__":
    sys.exit(main())
