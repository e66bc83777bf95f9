"""CPU of one submit, web side and worker side, in one process, with a profile of each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres CACHE_URL=redis://127.0.0.1:6379/9 \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/10 \
    .venv/bin/python bench/submit_profile.py [--submits 300] [--profile web|worker]

The side-by-side runner measures a submit from outside (gunicorn, Celery, /proc); this
tells where that CPU goes. It makes a throwaway database (DATABASE_URL's engine, a
"_submit" suffix), then sends `--submits` comments through Django's WSGI handler with
every middleware, as the side-by-side load does (one post, a new author and body each,
no form token), and the broker takes the real publishes. Then it runs, in this process,
each task the worker would have run for them, in the order the broker holds them.
Prints CPU per submit for each side; `--profile` adds cProfile's top functions (CPU
timer) of that side, and keeps the whole profile in var/submit.prof. The settings are
the load benches' (`bench/load_settings.py`).
"""

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BODY = "Comment {n} from reader {n}: thanks, the fix *worked* for me. {nonce}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submits", type=int, default=300)
    parser.add_argument("--warm", type=int, default=30, help="submits before timing")
    parser.add_argument("--profile", choices=("web", "worker"))
    parser.add_argument("--top", type=int, default=35)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.load_settings")
    os.environ.setdefault("COMMENTS_SUBMIT_RATE", "1000000/min")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    test = settings.DATABASES["default"].setdefault("TEST", {})
    test["NAME"] = f"{test.get('NAME') or 'test_' + settings.DATABASES['default']['NAME']}_submit"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args: argparse.Namespace) -> None:
    from django.test import Client
    from django.utils import timezone

    from blog.celery import app
    from blog.models import Post

    Post.objects.create(title="Bench", slug="bench-write", body="", published_at=timezone.now())
    _purge(app)
    client = Client(REMOTE_ADDR="127.0.0.1")
    nonce = str(time.time_ns())
    submit = _submitter(client, nonce)
    for n in range(args.warm):
        submit(n)
    _drain(app, _tasks(app))
    web = _timed(
        lambda: [submit(n) for n in range(args.warm, args.warm + args.submits)],
        args.profile == "web",
        args.top,
    )
    messages = _tasks(app)
    worker = _timed(lambda: _drain(app, messages), args.profile == "worker", args.top)
    names: dict[str, int] = {}
    for name, _ in messages:
        names[name] = names.get(name, 0) + 1
    print(
        f"{args.submits} submits: web {web * 1000 / args.submits:.2f} ms CPU each, "
        f"worker {worker * 1000 / args.submits:.2f} ms CPU each ({_counts(names)})"
    )


def _submitter(client: Any, nonce: str) -> Callable[[int], None]:
    def submit(n: int) -> None:
        payload = {
            "author_name": f"Reader {n}",
            "author_email": f"r{nonce}-{n}@example.org",
            "body": BODY.format(n=n, nonce=nonce),
        }
        answer = client.post(
            "/api/v1/posts/bench-write/comments/",
            json.dumps(payload),
            content_type="application/json",
        )
        if answer.status_code != 201:
            raise SystemExit(f"submit {n} answered {answer.status_code}: {answer.content[:300]!r}")

    return submit


def _tasks(app: Any) -> list[tuple[str, tuple[Any, ...]]]:
    """Take every message the submits published, in order, off the broker's queues."""
    taken: list[tuple[str, tuple[Any, ...]]] = []
    with app.connection_for_read() as conn:
        for queue in app.amqp.queues.values():
            bound = queue(conn.default_channel)
            while (message := bound.get(no_ack=True)) is not None:
                args, kwargs, _ = message.decode()
                taken.append((message.headers["task"], (args, kwargs)))
    return taken


def _drain(app: Any, messages: list[tuple[str, tuple[Any, ...]]]) -> None:
    """Run each task body as the worker would, then the tasks those published, until none."""
    batch = list(messages)
    while batch:
        for name, (args, kwargs) in batch:
            app.tasks[name].run(*args, **kwargs)
        batch = _tasks(app)
        messages.extend(batch)


def _purge(app: Any) -> None:
    with app.connection_for_write() as conn:
        for queue in app.amqp.queues.values():
            queue(conn.default_channel).purge()


def _timed(work: Callable[[], Any], profile: bool, top: int) -> float:
    profiler = cProfile.Profile(time.process_time) if profile else None
    start = time.process_time()
    if profiler:
        profiler.enable()
    work()
    if profiler:
        profiler.disable()
    spent = time.process_time() - start
    if profiler:
        stats = pstats.Stats(profiler)
        stats.dump_stats(ROOT / "var" / "submit.prof")  # for pstats or snakeviz
        stats.sort_stats("cumulative").print_stats(top)
    return spent


def _counts(names: dict[str, int]) -> str:
    return ", ".join(f"{count} {name.rsplit('.', 1)[-1]}" for name, count in sorted(names.items()))


if __name__ == "__main__":
    main()
