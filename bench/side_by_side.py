"""Side by side: Isso, the DRF framework floors, and this service, on one machine in one run.

    .venv/bin/python bench/side_by_side.py                       # 3 rounds x 15 s (minutes)
    .venv/bin/python bench/side_by_side.py --seconds 5 --rounds 1 --only service-pg,floor

Everything runs on loopback and is stopped afterwards: gunicorn with 2 sync workers per
server, a private redis-server and a throwaway PostgreSQL database for the service's
production setup (BENCH_PG_ADMIN_URL, default the local `postgres` user), an SQLite file,
the filesystem broker and the file cache for its embedded defaults, one Celery worker
each. The submit floor (floor-queue, POST only: bench/sbs_floor.py storing a pending row
and queueing its id to bench/sbs_floor_worker.py) has its own database (`--pg-name` +
`_floor`) and shares the redis-server. Scenarios run round-robin (each round: every
scenario on every server), wrk with 32 connections (a Python load generator when wrk is
missing); the table shows medians.
CPU per request is utime + stime of the server's processes from /proc (for a submit, the
web processes plus the Celery worker until it has scored everything, scoring included).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack, suppress
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import sbs_load, sbs_targets
from bench.load import ROOT, redis_urls, stop
from bench.sbs_targets import Target

SERVICES = ("service-pg", "service-embedded")
PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres")
Figures = dict[tuple[str, str], list[float]]


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15, help="per scenario run (1-60)")
    parser.add_argument("--rounds", type=int, default=3, help="round-robin rounds (1-5)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--comments", type=int, default=200, help="comments in the read thread")
    parser.add_argument("--only", default="isso,floor,floor-queue,service-pg,service-embedded")
    parser.add_argument("--pg-name", default=f"threadkeeper_bench_{os.getpid()}")
    parser.add_argument("--isso-venv", default=str(ROOT / "var" / "bench" / "isso-venv"))
    parser.add_argument("--concurrency", type=int, default=2, help="Celery pool processes")
    parser.add_argument("--serve", action="store_true", help="start, print, wait (profiling)")
    parser.add_argument("--widget", action="store_true", help="print the widget's sizes only")
    args = parser.parse_args()
    if not (1 <= args.seconds <= 60 and 1 <= args.rounds <= 5 and args.connections <= 256):
        parser.error("bounded on purpose: 1-60 seconds, 1-5 rounds, at most 256 connections")
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    return args


def pg_database(stack: ExitStack, name: str) -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    stack.callback(drop)
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def start(args: argparse.Namespace, stack: ExitStack, folder: Path) -> tuple[list[Target], str]:
    """Start the chosen servers; return them and why Isso is missing (if it is)."""
    targets: list[Target] = []
    stack.callback(lambda: [stop(c) for t in targets for c in t.children()])
    redis: tuple[str, str] | None = None
    if {"service-pg", "floor-queue"} & set(args.only):
        redis = stack.enter_context(redis_urls(folder))
    if "service-pg" in args.only:
        env = sbs_targets.service_env("service-pg", folder, pg_database(stack, args.pg_name), redis)
        targets.append(
            sbs_targets.start_service("service-pg", env, folder, args.comments, args.concurrency)
        )
    if "service-embedded" in args.only:
        db = f"sqlite:///{folder / 'embedded.sqlite3'}"
        env = sbs_targets.service_env("service-embedded", folder, db, None)
        targets.append(
            sbs_targets.start_service(
                "service-embedded", env, folder, args.comments, args.concurrency
            )
        )
    if "floor" in args.only:
        services = [t for t in targets if t.name in SERVICES]
        payload = sbs_targets.fetch(services[0].url(services[0].get))[1] if services else b"{}"
        targets.append(sbs_targets.start_floor(folder, payload))
    if "floor-queue" in args.only and redis:
        db = pg_database(stack, f"{args.pg_name}_floor")
        targets.append(sbs_targets.start_floor_queue(folder, db, redis[0], args.concurrency))
    missing = ""
    if "isso" in args.only:
        python, missing = sbs_targets.isso_python(Path(args.isso_venv))
        if python:
            targets.insert(0, sbs_targets.start_isso(python, folder, args.comments))
    return targets, missing


def one_run(target: Target, scenario: str, args: argparse.Namespace, figures: Figures) -> None:
    """Load one server with one scenario; append its req/s and CPU ms per request."""
    path = (
        {"get": target.get, "plain": target.get_plain, "304": target.get}[scenario]
        if (scenario != "post")
        else target.post
    )
    headers = {"If-None-Match": target.etag} if scenario == "304" else {}
    web = [c.pid for c in target.web]
    workers = [c.pid for c in target.workers]
    before = (sum(map(sbs_load.group_cpu, web)), sum(map(sbs_load.group_cpu, workers)))
    started_at = datetime.now(UTC).isoformat()
    result = sbs_load.run(
        target.url(path),
        seconds=args.seconds,
        connections=args.connections,
        method="POST" if scenario == "post" else "GET",
        headers=headers,
        nonce=f"{os.getpid()}{time.time_ns() % 10**9}",
        template=target.post_template,
    )
    if scenario == "post":
        if target.workers:  # the worker's CPU counts until it has scored all of them
            sbs_targets.wait_for_verdicts(target, started_at)
        sbs_load.settle([*web, *workers])
    web_cpu = sum(map(sbs_load.group_cpu, web)) - before[0]
    worker_cpu = sum(map(sbs_load.group_cpu, workers)) - before[1]
    served = max(result.requests, 1)
    figures[(target.name, f"{scenario} rps")].append(result.rate)
    figures[(target.name, f"{scenario} cpu")].append((web_cpu + worker_cpu) * 1000 / served)
    figures[(target.name, f"{scenario} web cpu")].append(web_cpu * 1000 / served)
    figures[(target.name, f"{scenario} bad")].append(result.bad)
    print(
        f"  {target.name:17} {scenario:5} {result.rate:8.1f} req/s  "
        f"web {web_cpu * 1000 / served:6.2f} + worker {worker_cpu * 1000 / served:6.2f} ms/req  "
        f"p50 {result.latency_p50_ms:6.1f} ms  bad {result.bad}  load {sbs_load.load_average()}",
        flush=True,
    )


def scenarios_of(target: Target) -> list[str]:
    if not target.get:  # the submit floor: POST only
        return ["post"]
    found = ["get", "plain"] if target.get_plain else ["get"]
    return [*found, *(["304"] if target.etag else []), "post"]


def run_all(targets: list[Target], args: argparse.Namespace) -> tuple[Figures, dict[str, str]]:
    figures: Figures = defaultdict(list)
    since = datetime.now(UTC).isoformat()
    for number in range(args.rounds):
        print(f"round {number + 1}/{args.rounds}", flush=True)
        for scenario in ("get", "plain", "304", "post"):
            for target in targets:
                if scenario in scenarios_of(target):
                    one_run(target, scenario, args, figures)
    verdicts = {}
    for target in targets:
        if target.workers:
            waits, unscored = sbs_targets.verdict_waits(target, since)
            p50 = statistics.median(waits) * 1000 if waits else float("nan")
            p95 = waits[int(len(waits) * 0.95)] * 1000 if waits else float("nan")
            verdicts[target.name] = f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, unscored {unscored}"
    return figures, verdicts


WIDGET_UP_FRONT = ("embed.js", "embed.css")  # what every reader's browser fetches
WIDGET_LAZY = ("editor.js", "editor.css")  # fetched on the first touch of a form or button
WIDGET_LANGUAGE = ("i18n/fr.js",)  # fetched up front only with data-lang="fr"


def widget_size() -> str:
    """Return the widget's gzipped sizes (level 9): before interaction, and on first use."""
    import gzip

    static = ROOT / "comments" / "static" / "comments"

    def group(names: tuple[str, ...]) -> tuple[int, str]:
        sizes = {n: len(gzip.compress((static / n).read_bytes(), 9)) for n in names}
        parts = ", ".join(f"{name} {size:,} B" for name, size in sizes.items())
        return sum(sizes.values()), parts

    up_front, up_parts = group(WIDGET_UP_FRONT)
    lazy, lazy_parts = group(WIDGET_LAZY)
    language, language_parts = group(WIDGET_LANGUAGE)
    return (
        f"widget loaded before interaction: {up_front / 1024:.1f} KB gzipped ({up_parts})\n"
        f"widget loaded on first use of a form: {lazy / 1024:.1f} KB gzipped ({lazy_parts})\n"
        f"widget strings of a non-default language, up front: {language / 1024:.1f} KB gzipped"
        f" ({language_parts})"
    )


def main() -> int:
    args = options()
    if args.widget:
        print(widget_size())
        return 0
    folder = Path(tempfile.mkdtemp(prefix="tk-sbs-"))
    print(f"machine: {os.cpu_count()} cores; load before: {sbs_load.load_average()}; logs {folder}")
    with ExitStack() as stack:
        targets, missing = start(args, stack, folder)
        if missing:
            print(f"Isso left out: {missing}")
        if args.serve:
            for target in targets:
                pids = [c.pid for c in target.children()]
                print(f"{target.name}: {target.url(target.get)} process groups {pids}")
            with suppress(KeyboardInterrupt):
                subprocess.run(["sleep", "infinity"], check=False)
            return 0
        figures, verdicts = run_all(targets, args)
    from bench.sbs_table import table

    print(table(figures, verdicts, args, sbs_load.load_average()))
    print(widget_size())
    (folder / "figures.json").write_text(
        json.dumps({f"{k[0]}|{k[1]}": v for k, v in figures.items()})
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
