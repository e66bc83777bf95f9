"""A real webhook receiver on loopback: records every request, answers as a test scripts it."""

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """What the server got, and what it answers next (`script` first, then `default`)."""

    url: str = ""
    requests: list[Received] = field(default_factory=list)
    script: list[int] = field(default_factory=list)
    default: int = 200
    delay: float = 0.0
    location: str = ""

    def answer(self) -> int:
        return self.script.pop(0) if self.script else self.default


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            receiver.requests.append(
                Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            time.sleep(receiver.delay)
            status = receiver.answer()
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", receiver.location or "/elsewhere")
            payload = f"answer {status}".encode()
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def webhook_receiver(path: str = "/hook", tls: ssl.SSLContext | None = None) -> Iterator[Receiver]:
    """Serve on 127.0.0.1 (a free port) for the duration of the block; https with `tls`."""
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    scheme = "https" if tls else "http"
    receiver.url = f"{scheme}://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
