"""Import speed and memory: a generated WXR and Disqus file, imported by the real command.

    .venv/bin/python bench/import_speed.py                      # 500,000 comments, SQLite
    .venv/bin/python bench/import_speed.py --comments 100000
    DATABASE_URL=postgres://… .venv/bin/python bench/import_speed.py --postgres-db NAME

Writes the files under var/bench/, creates a fresh database for each run (a SQLite file,
or a PostgreSQL database named by --postgres-db, dropped afterwards), runs
`manage.py import_comments FILE --create-posts --json` as a child process and prints
comments/s, the largest process's peak RSS and the peak of all the importer's processes
together (it reads the file in a forked child). Goal: at least 5,000 comments/s, at most
250 MB.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PER_THREAD = 100
WORDS = ["the", "a", "comment", "thanks", "great", "post", "spam", "reply", "why", "how", "idea"]


def _body(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 60)))


def write_wxr(path: Path, comments: int) -> None:
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:wp="http://wordpress.org/export/1.2/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
        )
        for number in range(comments):
            post = number // PER_THREAD
            if number % PER_THREAD == 0:
                if number:
                    out.write("</item>\n")
                out.write(
                    f"<item><title>Post {post}</title><link>https://old.example/p/{post}/"
                    f"</link><wp:post_id>{post + 1}</wp:post_id><wp:post_name>p-{post}"
                    "</wp:post_name><wp:comment_status>open</wp:comment_status>\n"
                )
            parent = (
                number - rng.randint(1, 5) if number % PER_THREAD > 5 and rng.random() < 0.4 else 0
            )
            status = rng.choice(["1", "1", "1", "0", "spam", "trash"])
            out.write(
                f"<wp:comment><wp:comment_id>{number + 1}</wp:comment_id>"
                f"<wp:comment_author>Reader {number % 977}</wp:comment_author>"
                f"<wp:comment_author_email>r{number % 977}@example.org</wp:comment_author_email>"
                f"<wp:comment_author_IP>198.51.100.{number % 250}</wp:comment_author_IP>"
                f"<wp:comment_date_gmt>2015-01-01 12:{number % 60:02d}:00</wp:comment_date_gmt>"
                f"<wp:comment_content><![CDATA[{_body(rng)}]]></wp:comment_content>"
                f"<wp:comment_approved>{status}</wp:comment_approved>"
                f"<wp:comment_parent>{parent + 1 if parent else 0}</wp:comment_parent>"
                "</wp:comment>\n"
            )
        out.write("</item>\n</channel>\n</rss>\n")


def write_disqus(path: Path, comments: int) -> None:
    rng = random.Random(2)
    threads = (comments + PER_THREAD - 1) // PER_THREAD
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
            'xmlns:dsq="http://disqus.com/disqus-internals">\n'
        )
        for thread in range(threads):
            out.write(
                f'<thread dsq:id="t{thread}"><link>https://old.example/d/{thread}/</link>'
                f"<title>Thread {thread}</title><isClosed>false</isClosed></thread>\n"
            )
        for number in range(comments):
            parent = (
                number - rng.randint(1, 5)
                if number % PER_THREAD > 5 and rng.random() < 0.4
                else None
            )
            tag = f'<parent dsq:id="c{parent}" />' if parent is not None else ""
            out.write(
                f'<post dsq:id="c{number}"><message><![CDATA[<p>{escape(_body(rng))}</p>]]>'
                f"</message><createdAt>2015-01-01T12:00:00Z</createdAt>"
                f"<isDeleted>false</isDeleted><isSpam>{str(rng.random() < 0.2).lower()}</isSpam>"
                f"<author><email>r{number % 977}@example.org</email><name>Reader</name></author>"
                f"<ipAddress>198.51.100.{number % 250}</ipAddress>"
                f'<thread dsq:id="t{number // PER_THREAD}" />{tag}</post>\n'
            )
        out.write("</disqus>\n")


class MemoryWatch:
    """Peak memory of a process and its children together (the importer forks a reader).

    Sampled every 0.2 s from /proc: the sum of RSS (pages shared after the fork counted in
    both processes, an upper bound) and of PSS (shared pages split between them).
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.rss = self.pss = 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            rss = pss = 0.0
            for pid in self._family():
                try:
                    text = Path(f"/proc/{pid}/smaps_rollup").read_text()
                except OSError:
                    continue
                for line in text.splitlines():
                    name, _, rest = line.partition(":")
                    if name == "Rss":
                        rss += int(rest.split()[0]) / 1024
                    elif name == "Pss":
                        pss += int(rest.split()[0]) / 1024
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)

    def _family(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        except OSError:
            return []
        return [self.pid, *map(int, children)]

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


def run_import(
    path: Path, database_url: str, sanitizer: str
) -> tuple[dict[str, object], float, float, float, MemoryWatch]:
    """Migrate a fresh database, import `path`; return (report, s, CPU s, peak RSS in MB, all)."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "bench.import_settings",
        "BENCH_SANITIZER": sanitizer,
        "PYTHONPATH": str(ROOT),
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    start = time.perf_counter()
    with subprocess.Popen(
        [*manage, "import_comments", str(path), "--create-posts", "--json"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    ) as child:
        memory = MemoryWatch(child.pid)
        stdout, _ = child.communicate()
        memory.close()
    seconds = time.perf_counter() - start
    if child.returncode:
        raise SystemExit(f"the import failed ({child.returncode})")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if usage.ru_maxrss <= before:
        print("  (peak RSS below an earlier child's; figure is an upper bound)")
    cpu = usage.ru_utime + usage.ru_stime - cpu
    report = json.loads(stdout.strip().splitlines()[-1])
    return report, seconds, cpu, usage.ru_maxrss / 1024, memory


def _postgres(base: str, name: str, action: str) -> None:
    """Create or drop database `name` on the server of URL `base` (through its postgres db)."""
    sql = f'CREATE DATABASE "{name}"' if action == "CREATE" else f'DROP DATABASE IF EXISTS "{name}"'
    subprocess.run(["psql", base.rsplit("/", 1)[0] + "/postgres", "-qc", sql], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=500_000)
    parser.add_argument("--postgres-db", help="database to create on DATABASE_URL's server")
    parser.add_argument("--formats", default="wxr,disqus")
    parser.add_argument("--sanitizer", default="bleach", choices=["bleach", "nh3"])
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for fmt in args.formats.split(","):
        path = OUT / f"bench-{args.comments}.{fmt}.xml"
        if not path.exists():
            print(f"writing {path} ...")
            (write_wxr if fmt == "wxr" else write_disqus)(path, args.comments)
        size = path.stat().st_size / 1e6
        targets = (
            [] if args.skip_sqlite else [("sqlite", f"sqlite:///{OUT / f'bench-{fmt}.sqlite3'}")]
        )
        if args.postgres_db and os.environ.get("DATABASE_URL", "").startswith("postgres"):
            base = os.environ["DATABASE_URL"]
            targets.append(("postgresql", base.rsplit("/", 1)[0] + "/" + args.postgres_db))
        for engine, url in targets:
            if engine == "sqlite":
                Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
            else:
                _postgres(base, args.postgres_db, "DROP")
                _postgres(base, args.postgres_db, "CREATE")
            load = os.getloadavg()[0]
            report, seconds, cpu, rss, memory = run_import(path, url, args.sanitizer)
            count = int(report["comments"])  # type: ignore[call-overload]
            print(
                f"{fmt:6} {engine:10} {args.sanitizer:6} {count:>8,} comments ({size:,.0f} MB) "
                f"in {seconds:7.1f} s: {count / seconds:7,.0f} comments/s "
                f"({count / cpu:,.0f} per CPU-second of the importer's processes), "
                f"peak RSS {rss:5.0f} MB (largest process), all processes {memory.pss:.0f} MB "
                f"PSS / {memory.rss:.0f} MB RSS, created {report['created']}, load average "
                f"{load:.1f} -> {os.getloadavg()[0]:.1f}"
            )
            if engine == "postgresql":
                _postgres(base, args.postgres_db, "DROP")


if __name__ == "__main__":
    main()
