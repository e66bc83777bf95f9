"""Real services the fault tests start, break and mend: Redis, a queue folder, web, workers.

Every process here is a child of the test run, on loopback, with its log in the test's
temporary folder; the fixtures in conftest.py stop whatever a test leaves running.
"""

import http.client
import json
import os
import shutil
import signal
import socket
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import gunicorn
import redis
from kombu import Connection

from tests.workers import Child, wait_for, worker_env

# Ten ports from THREADKEEPER_TEST_REDIS_PORT (6390): suites run side by side each get their own.
_FIRST_REDIS_PORT = int(os.environ.get("THREADKEEPER_TEST_REDIS_PORT", "6390"))
PRIVATE_REDIS_PORTS = range(_FIRST_REDIS_PORT, _FIRST_REDIS_PORT + 10)


def free_port(candidates: Sequence[int] = ()) -> int:
    """Return a loopback TCP port nobody listens on (the first free of `candidates`, if any)."""
    for port in candidates or [0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(probe.getsockname()[1])
    raise RuntimeError(f"no free port among {list(candidates)}; stop stale test processes")


class RedisServer:
    """A private `redis-server` on a port of its own (PRIVATE_REDIS_PORTS), no persistence."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port(PRIVATE_REDIS_PORTS)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.child: Child | None = None

    def start(self) -> "RedisServer":
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (apt-get install redis-server)"
        argv = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.folder),
        ]
        self.child = Child(f"redis-{self.port}", argv, dict(os.environ), self.folder).start()
        wait_for(self.answers, timeout=10, message=f"redis did not start:\n{self.child.log()}")
        return self

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_timeout=0.5).ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        """Shut the server down; what it held is gone (no persistence), like a crash."""
        if self.child:
            self.child.stop()

    def freeze(self) -> None:
        """Stop the process without closing its sockets (SIGSTOP): a hung broker."""
        assert self.child is not None
        self.child.signal_group(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.child is not None
        self.child.signal_group(signal.SIGCONT)

    @property
    def env(self) -> dict[str, str]:
        return {"CELERY_BROKER_URL": self.url}

    def connection(self) -> Connection:
        return Connection(self.url, transport_options={"socket_timeout": 2})


class QueueFolder:
    """kombu's filesystem broker in a folder of its own (the embedded default)."""

    def __init__(self, folder: Path) -> None:
        self.var_dir = folder
        self.queue = folder / "broker" / "queue"
        for sub in ("queue", "processed"):
            (folder / "broker" / sub).mkdir(parents=True, exist_ok=True)

    def start(self) -> "QueueFolder":
        return self

    def stop(self) -> None:
        """Nothing runs: a folder needs no stopping."""

    def break_(self) -> None:
        """Put a plain file where the queue folder was: every publish now fails."""
        self.queue.rename(self.queue.with_name("queue.away"))
        self.queue.write_text("not a folder\n")

    def mend(self) -> None:
        self.queue.unlink()
        self.queue.with_name("queue.away").rename(self.queue)

    @property
    def env(self) -> dict[str, str]:
        # The worker's settings put the queue under its THREADKEEPER_VAR_DIR.
        return {"CELERY_BROKER_URL": "filesystem://", "THREADKEEPER_VAR_DIR": str(self.var_dir)}

    def connection(self) -> Connection:
        folder = str(self.queue)
        return Connection(
            "filesystem://",
            transport_options={
                "data_folder_in": folder,
                "data_folder_out": folder,
                "processed_folder": str(self.queue.with_name("processed")),
                "control_folder": str(self.queue.with_name("control")),
                "store_processed": False,
            },
        )


def start_web(log_dir: Path, *, env: dict[str, str], workers: int = 2) -> "Web":
    """Start gunicorn on a free loopback port with the test settings; wait until it answers."""
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "blog.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--preload",  # the app is loaded before the port opens: every worker is ready
        # gunicorn 27 opens a control socket, one path per user: parallel servers share it.
        *(["--no-control-socket"] if gunicorn.version_info >= (27,) else []),
    ]
    child = Child(f"web-{port}", argv, worker_env(**env), log_dir).start()
    web = Web(child, port)
    wait_for(web.answers, timeout=30, message=f"gunicorn did not start:\n{child.log()}")
    return web


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Web:
    child: Child
    port: int

    def answers(self) -> bool:
        try:
            self.request("GET", "/static/comments/embed.js")
        except OSError:
            return False
        return True

    def request(
        self, method: str, path: str, data: dict | None = None, timeout: float = 60
    ) -> Answer:
        """Send one HTTP request on a fresh connection and return the whole answer."""
        started = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            body = json.dumps(data).encode() if data is not None else None
            headers = {"Content-Type": "application/json"} if body else {}
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            return Answer(
                reply.status,
                {k.lower(): v for k, v in reply.getheaders()},
                reply.read(),
                time.monotonic() - started,
            )
        finally:
            conn.close()

    def submit(self, slug: str, body: str, email: str = "ann@example.org") -> Answer:
        return self.request(
            "POST",
            f"/api/v1/posts/{slug}/comments/",
            {"author_name": "Ann Reader", "author_email": email, "body": body},
        )


class TcpProxy:
    """A loopback TCP relay we can cut (connections dropped, new ones refused) and mend."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None

    def start(self) -> "TcpProxy":
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        """Stop listening and drop every relayed connection, as a dead database host would."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            for sock in self._sockets:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._sockets.clear()

    def stop(self) -> None:
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            client.settimeout(None)
            with self._lock:
                self._sockets.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        with suppress(OSError):
            while chunk := source.recv(65536):
                target.sendall(chunk)
        for sock in (source, target):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
