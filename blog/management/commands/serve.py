"""`manage.py serve`: migrate, load the demo, and run the web server and a worker together."""

import os
import signal
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


class Command(BaseCommand):
    help = (
        "Run the whole service on one machine: migrate, load demo posts and a demo "
        "moderator, then start the web server, a Celery worker (with beat) and a worker "
        "for webhook deliveries as separate processes. Ctrl-C stops them all."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000", help="host:port to listen on")
        parser.add_argument("--port", type=int, help="port to listen on (overrides --addr's)")
        parser.add_argument("--no-demo", action="store_true", help="skip the demo data")

    def handle(self, *args: Any, addr: str, port: int | None, no_demo: bool, **opts: Any) -> None:
        host, _, addr_port = addr.rpartition(":")
        addr = f"{host or '127.0.0.1'}:{port if port is not None else addr_port}"
        port_check(addr)  # before anything else: a second `make run` must change nothing
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(self.style.SUCCESS("Database migrated."))
        export = "" if no_demo else self._load_demo()
        signal.signal(signal.SIGTERM, _interrupt)  # `kill PID` stops the children too
        self.stdout.write(f"Mail: {_mail_destination(settings)}")
        processes = [self._start_worker(), self._start_webhook_worker(), self._start_web(addr)]
        self.stdout.write(
            self.style.SUCCESS(
                f"\nBlog:        http://{addr}/\nAdmin queue: http://{addr}/admin/moderation/"
                f"queuedcomment/\nAPI:         http://{addr}/api/v1/posts/\nAPI docs:    "
                f"http://{addr}/api/v1/docs/\nCtrl-C stops them all."
            )
        )
        if export:
            self.stdout.write(f"For the README's tour, paste into your shell:\n  {export}\n")
        if not self._wait(processes):
            raise CommandError("The web server or a worker stopped; see the messages above.")

    def _load_demo(self) -> str:
        """Load the demo posts, comments and moderator; return the `export TOKEN=…` line."""
        from blog.demo_data import demo_comments_load

        call_command(
            "import_posts", str(DEMO_DIR), verbosity=0, stdout=self.stdout, stderr=self.stderr
        )
        added = demo_comments_load(path=DEMO_DIR / "comments.yaml")
        self.stdout.write(f"Demo comments: {added} added.")
        out = StringIO()
        call_command("demo_moderator", stdout=out)
        self.stdout.write(out.getvalue().rstrip("\n"))
        lines = out.getvalue().splitlines()
        return next((line for line in lines if line.startswith("export TOKEN=")), "")

    def _start_worker(self) -> subprocess.Popen[bytes]:
        self.stdout.write(f"Starting a Celery worker with beat (broker {_safe(settings)}) …")
        return _celery_worker("--beat", "--concurrency", "2", "-Q", "celery,events")

    def _start_webhook_worker(self) -> subprocess.Popen[bytes]:
        """Deliveries wait on other servers: threads, on their own queue, never delay scoring."""
        self.stdout.write("Starting a Celery worker for webhook deliveries …")
        return _celery_worker(
            "-n", "webhooks@%h", "--pool", "threads", "--concurrency", "8", "-Q", "webhooks"
        )

    def _start_web(self, addr: str) -> subprocess.Popen[bytes]:
        self.stdout.write(f"Starting the web server on http://{addr}/ …")
        return subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "manage.py", "runserver", "--noreload", addr],
            cwd=settings.BASE_DIR,
            env=os.environ.copy(),
        )

    def _wait(self, processes: list[subprocess.Popen[bytes]]) -> bool:
        """Wait until Ctrl-C (True) or until a process stops by itself (False)."""
        stopped_alone = False
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
            stopped_alone = True
            self.stderr.write("A process stopped; stopping the others.")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping …")
        finally:
            for process in processes:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
        return not stopped_alone


def port_check(addr: str) -> None:
    """Raise CommandError, saying what to do, when nothing can listen on `addr`."""
    host, _, port = addr.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"{addr!r} is not host:port, e.g. 127.0.0.1:8000.")
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As the web server itself binds: a port left in TIME_WAIT is free to use.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), int(port)))
        except OSError as error:
            raise CommandError(
                f"Cannot listen on {addr}: {error.strerror}. Is another `make run` or server "
                f"using port {port}? Stop it, or pick another port: make run PORT={int(port) + 1}"
                f" (or: python manage.py serve --port {int(port) + 1})."
            ) from error


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _mail_destination(conf: Any) -> str:
    backend = str(conf.EMAIL_BACKEND)
    if backend.endswith("EmlFileBackend"):
        return f".eml files in {conf.EMAIL_FILE_PATH} (set EMAIL_URL to send real mail)"
    if backend.endswith("console.EmailBackend"):
        return "printed here by the worker"
    return f"SMTP via {conf.EMAIL_HOST}:{conf.EMAIL_PORT}"


def _safe(conf: Any) -> str:
    url = str(conf.CELERY_BROKER_URL)
    return url.split("@")[-1] if "@" in url else url


def _celery_worker(*options: str) -> subprocess.Popen[bytes]:
    """Start `celery -A blog worker` with our interpreter, logging at info, plus `options`."""
    argv = [sys.executable, "-m", "celery", "-A", "blog", "worker", "-l", "info", *options]
    return subprocess.Popen(argv, env=os.environ.copy())  # noqa: S603 - our own arguments
