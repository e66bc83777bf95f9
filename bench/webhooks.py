"""Webhooks: a burst of 1,000 events to a slow receiver must not delay scoring.

    .venv/bin/python -m bench.webhooks --events 1000 --receiver-delay 1.0

Starts on loopback a private redis-server (broker and cache), a throwaway PostgreSQL
database (or LOAD_DATABASE_URL, loopback only), a receiver that takes --receiver-delay
seconds per request, and Celery workers in two layouts:

- separate (what `manage.py serve` runs): one worker for scoring and events
  (`-Q celery,events`, prefork) and one for deliveries (`-Q webhooks`, threads);
- shared: one prefork worker consuming all three queues, to show what the queue buys.

In each layout it measures submit→verdict (the comment's `scored_at - created_at`) for
--comments comments with no webhook traffic, then again right after firing --events
events at an endpoint on the slow receiver. Prints percentiles, and how many deliveries
got through meanwhile.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.load import (
    ROOT,
    database_url,
    loopback,
    pct,
    prepare,
    redis_urls,
    service_env,
    spawn,
    stop,
)

QUEUES = ("celery", "events", "webhooks")


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000, help="webhook events in the burst")
    parser.add_argument("--comments", type=int, default=60, help="comments measured per phase")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between measured submits")
    parser.add_argument("--receiver-delay", type=float, default=1.0, help="receiver's seconds")
    parser.add_argument("--threads", type=int, default=16, help="webhook worker threads")
    parser.add_argument("--wait", type=float, default=180, help="seconds to wait for verdicts")
    parser.add_argument("--drain", type=float, default=120, help="seconds to wait for deliveries")
    args = parser.parse_args()
    if not (1 <= args.events <= 5000 and 1 <= args.comments <= 500):
        parser.error("bounded on purpose: 1-5000 events, 1-500 comments")
    return args


@contextmanager
def slow_receiver(delay: float) -> Iterator[tuple[str, list[float]]]:
    """Yield (url, arrival times) of a loopback server answering 200 after `delay` s."""
    arrivals: list[float] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length", 0)))
            time.sleep(delay)
            arrivals.append(time.monotonic())
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", arrivals
    finally:
        server.shutdown()
        server.server_close()


def start_workers(layout: str, args: argparse.Namespace, env: dict[str, str], folder: Path):  # type: ignore[no-untyped-def]
    base = [sys.executable, "-m", "celery", "-A", "blog", "worker", "-l", "info"]
    base += ["--without-mingle", "--without-gossip"]
    if layout == "separate":
        specs = [
            ("scoring", ["-Q", "celery,events", "--concurrency", "2"]),
            (
                "webhooks",
                ["-Q", "webhooks", "--pool", "threads", "--concurrency", str(args.threads)],
            ),
        ]
    else:
        specs = [("shared", ["-Q", ",".join(QUEUES), "--concurrency", "2"])]
    children = []
    for name, extra in specs:
        log = folder / f"{layout}-{name}.log"
        children.append(
            (spawn(f"{layout}-{name}", [*base, "-n", f"{name}@%h", *extra], env, folder), log)
        )
    deadline = time.monotonic() + 60
    while not all(
        "ready." in log.read_text(errors="replace") for _, log in children if log.exists()
    ):
        if time.monotonic() > deadline:
            sys.exit(f"workers did not start; logs in {folder}")
        time.sleep(0.2)
    return [child for child, _ in children]


def measure(slug: str, args: argparse.Namespace, tag: str, count: int = 0) -> list[float]:
    """Submit comments one by one; return each one's submit→verdict seconds."""
    from blog.models import Post
    from comments.models import Comment
    from comments.services import comment_submit

    post = Post.objects.get(slug=slug)
    ids = []
    for n in range(count or args.comments):
        submitted = comment_submit(
            post=post,
            author_name="Bench",
            author_email=f"{tag}-{n}@example.org",
            body=f"Comment {n} of {tag}: thanks for the clear write-up.",
        )
        ids.append(submitted.comment.pk)
        time.sleep(args.gap)
    deadline = time.monotonic() + args.wait
    while Comment.objects.filter(pk__in=ids, scored_at__isnull=True).exists():
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    rows = Comment.objects.filter(pk__in=ids).values_list("created_at", "scored_at")
    return sorted(
        (scored - created).total_seconds() if scored else float("inf") for created, scored in rows
    )


def burst(url: str, count: int) -> int:
    """Fire `count` events at an endpoint on the slow receiver, through the real path.

    Returns the comment the events are about (the measured comments make a few more).
    """
    from comments.models import Comment
    from moderation.tasks import comment_event
    from moderation.webhooks.models import Delivery, Endpoint
    from moderation.webhooks.services import endpoint_create

    Delivery.objects.all().delete()
    Endpoint.objects.all().delete()
    endpoint_create(url=url, events=["comment.approved"], created_by=None)
    comment_id = Comment.objects.order_by("pk").values_list("pk", flat=True).first()
    for _ in range(count):
        comment_event.delay(comment_id, "comment.approved")
    return int(comment_id or 0)


def delivered(comment_id: int) -> int:
    from moderation.webhooks.models import Delivery

    return Delivery.objects.filter(comment_id=comment_id, state="delivered").count()


def drain(args: argparse.Namespace, comment_id: int) -> bool:
    """Wait (at most --drain seconds) until every event of the burst is delivered."""
    deadline = time.monotonic() + args.drain
    while delivered(comment_id) < args.events:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def purge() -> None:
    from blog.celery import app

    with app.connection_for_write() as conn:
        for queue in QUEUES:
            conn.default_channel.queue_purge(queue)


def line(label: str, seconds: list[float]) -> str:
    done = [s for s in seconds if s != float("inf")]
    lost = len(seconds) - len(done)
    if not done:
        return f"{label:<34} no verdict within the wait ({lost} comments)"
    return (
        f"{label:<34} p50={pct(done, 50):6.0f}ms p95={pct(done, 95):6.0f}ms "
        f"max={done[-1] * 1000:6.0f}ms" + (f"  ({lost} without verdict)" if lost else "")
    )


def run_layout(layout: str, args: argparse.Namespace, env, folder, url, arrivals) -> None:  # type: ignore[no-untyped-def]

    children = start_workers(layout, args, env, folder)
    try:
        measure("load-0", args, f"{layout}-warmup", count=5)
        quiet = measure("load-0", args, f"{layout}-quiet")
        before = len(arrivals)
        started = time.monotonic()
        about = burst(url, args.events)
        busy = measure("load-0", args, f"{layout}-burst")
        window = time.monotonic() - started
        during = delivered(about)
        drained = drain(args, about)
        print(f"\n[{layout}] receiver {args.receiver_delay:g}s per request, {args.events} events")
        print(line("submit→verdict, no webhooks", quiet))
        print(line("submit→verdict, during the burst", busy))
        print(
            f"deliveries: {during} delivered during the {window:.0f}s of measuring; "
            f"{delivered(about)}/{args.events} after "
            f"{time.monotonic() - started:.0f}s{'' if drained else ' (stopped waiting)'}; "
            f"{len(arrivals) - before} requests received"
        )
    finally:
        for child in children:
            stop(child)
        purge()


def main() -> int:
    args = options()
    folder = Path(tempfile.mkdtemp(prefix="tk-webhooks-"))
    with (
        redis_urls(folder) as redis,
        database_url() as db,
        slow_receiver(args.receiver_delay) as (url, arrivals),
    ):
        env = service_env(loopback(db), redis, folder)
        env.update(COMMENTS_WEBHOOKS_ALLOW_PRIVATE="1", DJANGO_LOG_LEVEL="WARNING")
        prepare(env, 1)
        print(f"cpus={os.cpu_count()} root={ROOT}")
        for layout in ("separate", "shared"):
            run_layout(layout, args, env, folder, url, arrivals)
        from django.db import connections

        connections.close_all()
    print(f"logs: {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
