"""`manage.py serve` as a new user runs it: migrate, demo data, web and worker processes."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.workers import ROOT, wait_for

pytestmark = pytest.mark.integration

EMBEDDED_ONLY = ("DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_SETTINGS_MODULE")


@dataclass
class Served:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def call(
        self, method: str, path: str, body: dict | None = None, token: str = ""
    ) -> tuple[int, dict | str]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data, headers, method=method)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                status, raw = answer.status, answer.read().decode()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read().decode()
        is_json = raw.startswith(("{", "["))
        return status, json.loads(raw) if is_json else raw


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The whole service on embedded defaults in a fresh folder, stopped after the module."""
    tmp_path = tmp_path_factory.mktemp("served")
    env = {key: value for key, value in os.environ.items() if key not in EMBEDDED_ONLY}
    env.update(
        THREADKEEPER_VAR_DIR=str(tmp_path),
        PYTHONUNBUFFERED="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
    )
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--addr", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_for(
            lambda: "ready." in server.output() and _answers(server),
            timeout=60,
            message=f"serve did not come up:\n{server.output()}",
        )
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _answers(server: Served) -> bool:
    try:
        return server.call("GET", "/api/v1/posts/")[0] == 200
    except OSError:
        return False


def test_serve_runs_the_whole_flow_on_a_fresh_machine(served):
    """Demo posts and comments load, a comment is scored by the worker, held (the demo
    moderator's alert is written under var/mail/), approved, and shown."""
    token = re.search(r"^  export TOKEN=(\w+)$", served.output(), re.MULTILINE)
    assert token, served.output()
    _, posts = served.call("GET", "/api/v1/posts/")
    assert posts["count"] == 4
    _, welcome = served.call("GET", "/api/v1/posts/welcome-to-threadkeeper/")
    assert welcome["comment_count"] > 0

    status, created = served.call(
        "POST",
        "/api/v1/posts/privacy-policy-feedback/comments/",
        {
            "author_name": "New Reader",
            "author_email": "new@example.org",
            "body": "Thirty days sounds reasonable to me.",
        },
    )
    assert status == 201, created
    detail = f"/api/v1/moderation/comments/{created['id']}/"
    scored = wait_for(
        lambda: served.call("GET", detail, token=token[1])[1].get("scored_at"),
        timeout=30,
        message=f"the worker never scored the comment:\n{served.output()}",
    )
    assert scored
    assert served.call("GET", detail, token=token[1])[1]["status"] == "pending"  # pre-moderated
    alerts = wait_for(
        lambda: list((served.log.parent / "mail").glob("*.eml")),
        timeout=30,
        message=f"no alert mail was written under var/mail/:\n{served.output()}",
    )
    mail = message_from_bytes(alerts[0].read_bytes(), policy=policy.default)
    assert "Held for moderation" in mail["Subject"]
    assert mail["To"] == "moderator@example.invalid"
    assert "mail saved to" in served.output()

    status, approved = served.call("POST", detail + "approve/", {}, token=token[1])
    assert status == 200, approved
    _, page = served.call("GET", "/posts/privacy-policy-feedback/")
    assert "Thirty days sounds reasonable to me." in page


def readme_tour() -> str:
    """The shell block of README's "A 30-second tour" section, exactly as written."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A 30-second tour", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "README's tour has no ```sh block"
    return block[1]


def json_values(text: str) -> list[dict]:
    """Every JSON document printed one after another (curl adds no newline after one)."""
    decoder, values, at = json.JSONDecoder(), [], 0
    while (at := _skip_space(text, at)) < len(text):
        value, at = decoder.raw_decode(text, at)
        values.append(value)
    return values


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def test_readme_tour_runs_as_written(served):
    """The tour's commands, pasted after `make run`'s export line, do what the README says."""
    tour = readme_tour().replace("127.0.0.1:8000", served.base.removeprefix("http://"))
    export = re.search(r"^  (export TOKEN=\w+)$", served.output(), re.MULTILINE)
    assert export, served.output()

    result = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", f"{export[1]}\n{tour}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    submitted, queue, approved, thread = json_values(result.stdout)
    assert submitted["status"] == "pending"
    assert submitted["body_html"] == "<p>Great <em>post</em>!</p>"
    queued = {item["id"]: item for item in queue["results"]}
    assert submitted["id"] in queued
    assert any(item["spam_reasons"] for item in queued.values())  # the demo's held comments
    assert (approved["id"], approved["status"]) == (submitted["id"], "approved")
    assert submitted["id"] in [item["id"] for item in thread["results"]]


def test_serve_refuses_a_port_in_use_before_touching_anything(tmp_path):
    """A taken port stops serve at once, non-zero, saying how to pick another port."""
    env = {key: value for key, value in os.environ.items() if key not in EMBEDDED_ONLY}
    env.update(THREADKEEPER_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "manage.py", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert result.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert f"make run PORT={port + 1}" in result.stderr
    assert "migrated" not in result.stdout
    assert not (tmp_path / "db").exists()


def test_make_run_passes_its_port_to_serve():
    """`make run PORT=8001` asks serve for port 8001 (and 8000 by default)."""
    dry = ["make", "--dry-run", "--always-make", "-o", "setup", "-o", ".venv/.installed", "run"]
    default = subprocess.run(dry, cwd=ROOT, capture_output=True, text=True, check=True)
    other = subprocess.run(
        [*dry, "PORT=8001"], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert "manage.py serve --port 8000" in default.stdout
    assert "manage.py serve --port 8001" in other.stdout
