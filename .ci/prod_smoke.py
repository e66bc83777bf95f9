#!/usr/bin/env python3
"""Production smoke test of an installed Threadkeeper (no dev extra, standard library only).

Usage: prod_smoke.py VENV BROKER_URL [BROKER_URL ...]

With the interpreter of VENV, from a folder outside the source tree (so only the installed
package is used): recreate the database named by SMOKE_DATABASE_URL, run migrate,
collectstatic and `check --deploy`, then for each broker start gunicorn, a Celery worker
and beat, and walk one comment through its life: submitted, scored, held (pre-moderated
post), approved by a moderator through the API, visible in the public thread. Exits 1 on
the first failure, printing the logs of the processes; every process it starts is stopped
on the way out.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

DATABASE_URL = os.environ.get(
    "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/threadkeeper_smoke"
)
CACHE_URL = os.environ.get("SMOKE_CACHE_URL", "redis://127.0.0.1:6379/12")
HTTPS = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of gunicorn would send


class SmokeFailed(Exception):
    """One step did not do what a production deployment needs."""


class Smoke:
    def __init__(self, venv: Path, work: Path) -> None:
        self.bin = venv / "bin"
        self.work = work
        self.children: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        self.env = self._environment()

    def _environment(self) -> dict[str, str]:
        keep = {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR"}
        env = {key: value for key, value in os.environ.items() if key in keep}
        env.update(
            DJANGO_SETTINGS_MODULE="blog.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_DEBUG="0",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_BEHIND_TLS_PROXY="1",
            DJANGO_STATIC_ROOT=str(self.work / "static"),
            DATABASE_URL=DATABASE_URL,
            CACHE_URL=CACHE_URL,
            THREADKEEPER_VAR_DIR=str(self.work / "var"),
            PYTHONUNBUFFERED="1",
        )
        return env

    # --- one-off commands
    def run(self, *argv: str, label: str) -> str:
        started = time.monotonic()
        result = subprocess.run(
            [str(self.bin / "python"), *argv],
            cwd=self.work,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        output = result.stdout + result.stderr
        if result.returncode != 0:
            raise SmokeFailed(f"{label} exited {result.returncode}:\n{output}")
        say(f"ok   {label} ({time.monotonic() - started:.1f}s)")
        return output

    def database_recreate(self) -> None:
        url = urllib.parse.urlsplit(DATABASE_URL)
        name = url.path.lstrip("/")
        admin = url._replace(path="/postgres").geturl()
        code = (
            "import sys, psycopg\n"
            "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
            "    c.execute(f'DROP DATABASE IF EXISTS \"{sys.argv[2]}\" WITH (FORCE)')\n"
            "    c.execute(f'CREATE DATABASE \"{sys.argv[2]}\"')\n"
        )
        self.run("-c", code, admin, name, label=f"fresh database {name}")

    def prepare(self) -> str:
        """Migrate, collect static files, pass the deploy checks; return a moderator token."""
        self.database_recreate()
        self.run("-m", "django", "migrate", "--noinput", label="migrate")
        self.run("-m", "django", "collectstatic", "--noinput", label="collectstatic")
        self.run(
            "-m", "django", "check", "--deploy", "--fail-level", "WARNING", label="check --deploy"
        )
        self.env["DJANGO_SUPERUSER_PASSWORD"] = secrets.token_urlsafe(16)
        self.run(
            "-m", "django", "createsuperuser", "--noinput", "--username", "smoke",
            "--email", "smoke@example.org", label="createsuperuser",
        )  # fmt: skip
        out = self.run("-m", "django", "drf_create_token", "smoke", label="API token")
        match = re.search(r"token (\w+) for user", out)
        if not match:
            raise SmokeFailed(f"no token in drf_create_token's answer:\n{out}")
        return match[1]

    # --- long-running processes
    def start(self, name: str, *argv: str, broker: str) -> None:
        log = self.work / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(self.bin / argv[0]), *argv[1:]],
                cwd=self.work,
                env={**self.env, "CELERY_BROKER_URL": broker},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.children.append((name, process, log))

    def stop_all(self) -> None:
        for _, process, _ in self.children:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for _, process, _ in self.children:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)
        self.children.clear()

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} log (last 60 lines):\n"
            + "\n".join(log.read_text(errors="replace").splitlines()[-60:])
            for name, _, log in self.children
        )

    def assert_running(self) -> None:
        for name, process, _ in self.children:
            if process.poll() is not None:
                raise SmokeFailed(f"{name} exited with {process.returncode}")

    def serve(self, broker: str) -> str:
        """Start gunicorn, a worker and beat on `broker`; return the web address."""
        port = free_port()
        self.start(
            "gunicorn", "gunicorn", "blog.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--no-control-socket", broker=broker,
        )  # fmt: skip
        self.start(
            "worker", "celery", "-A", "blog", "worker", "-l", "info", "--concurrency", "1",
            "-n", "smoke@%h", "--without-mingle", "--without-gossip", broker=broker,
        )  # fmt: skip
        schedule = str(self.work / "var" / "beat-schedule")
        self.start("beat", "celery", "-A", "blog", "beat", "-l", "info", "-s", schedule,
                   "--pidfile=", broker=broker)  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        wait("gunicorn answers /healthz", lambda: self.health_ok(base), self)
        wait("the worker is ready", lambda: "ready." in self.log_of("worker"), self)
        wait("beat is running", lambda: "beat: Starting" in self.log_of("beat"), self)
        return base

    def log_of(self, name: str) -> str:
        log = next(path for child, _, path in self.children if child == name)
        return log.read_text(errors="replace")

    def health_ok(self, base: str) -> bool:
        try:
            status, body = call(base, "GET", "/healthz", headers={})  # plain HTTP: no redirect
        except OSError:
            return False
        return status == 200 and body == {"database": "ok", "broker": "ok"}


def comment_lifecycle(base: str, token: str, label: str) -> None:
    """Create a pre-moderated post, submit, wait for the score, approve, read it back."""
    auth = {**HTTPS, "Authorization": f"Token {token}"}
    slug = f"smoke-{label}-{secrets.token_hex(3)}"
    post = {"title": f"Smoke {label}", "slug": slug, "body": "Hello.", "comments_enabled": True}
    status, body = call(base, "POST", "/api/v1/posts/", {**post, "moderation_mode": "pre"}, auth)
    expect(status == 201, f"create post: {status} {body}")
    text = f"Deployed on {label}, checking the whole path."
    # A new address each time: an author with an approved comment skips pre-moderation.
    email = f"reader-{label}@example.org"
    comment = {"author_name": "Smoke", "author_email": email, "body": text}
    status, body = call(base, "POST", f"/api/v1/posts/{slug}/comments/", comment, HTTPS)
    expect(status == 201 and body["status"] == "pending", f"submit: {status} {body}")
    say(f"ok   submitted comment {body['id']}")
    detail = f"/api/v1/moderation/comments/{body['id']}/"
    record = wait("the worker scores the comment", lambda: scored(base, detail, auth))
    expect(record["status"] == "pending", f"a pre-moderated comment was {record['status']}")
    say(f"ok   scored {record['spam_score']:.2f}, held for a moderator")
    status, body = call(base, "POST", detail + "approve/", {}, auth)
    expect(status == 200 and body["status"] == "approved", f"approve: {status} {body}")
    say("ok   approved by the moderator through the API")
    status, thread = call(base, "GET", f"/api/v1/posts/{slug}/comments/", headers=HTTPS)
    ids = [item["id"] for item in thread.get("results", [])] if status == 200 else []
    expect(body["id"] in ids, f"public thread: {status} {thread}")
    say("ok   visible in the public thread")
    widget = ("/static/comments/embed.js", "/static/comments/editor.js")
    for path in ("/api/v1/docs/", *widget, "/favicon.ico"):
        request = urllib.request.Request(base + path, headers=HTTPS)  # noqa: S310
        with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310
            expect(answer.status == 200, f"{path}: {answer.status}")
    say("ok   API reference, widget and icon served")


def scored(base: str, detail: str, auth: dict[str, str]) -> dict | None:
    status, record = call(base, "GET", detail, headers=auth)
    expect(status == 200, f"moderation record: {status} {record}")
    return record if record.get("scored_at") else None


def call(
    base: str, method: str, path: str, data: dict | None = None, headers: dict | None = None
) -> tuple[int, dict]:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - loopback only
        base + path, body, {"Content-Type": "application/json", **(headers or {})}, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:  # noqa: S310
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw or b"{}")
    except ValueError:
        return status, {"raw": raw[:300].decode(errors="replace")}


def wait(what: str, probe, smoke: Smoke | None = None, timeout: float = 45):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if smoke is not None:
            smoke.assert_running()
        value = probe()
        if value:
            return value
        time.sleep(0.3)
    raise SmokeFailed(f"after {timeout:.0f}s: {what} did not happen")


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailed(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def say(line: str) -> None:
    print(line, flush=True)  # noqa: T201


def main(venv: Path, brokers: list[str]) -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="threadkeeper-smoke-"))
    smoke = Smoke(venv, work)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    version = subprocess.run(
        [str(smoke.bin / "python"), "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    say(f"== production smoke: {version}, {venv}")
    try:
        token = smoke.prepare()
        for broker in brokers:
            label = broker.split(":", 1)[0]
            say(f"-- broker {label}")
            base = smoke.serve(broker)
            comment_lifecycle(base, token, label)
            smoke.stop_all()
    except (SmokeFailed, subprocess.TimeoutExpired) as error:
        say(f"FAIL {error}\n{smoke.logs()}")
        return 1
    finally:
        smoke.stop_all()
        shutil.rmtree(work, ignore_errors=True)
    say(f"== passed: {version}, {len(brokers)} broker(s), {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(Path(sys.argv[1]).resolve(), sys.argv[2:]))
