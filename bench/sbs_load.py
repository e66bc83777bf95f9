"""Load and CPU for the side-by-side runner: wrk (or a Python fallback) and /proc accounting.

CPU is utime + stime of every process in a server's process group (gunicorn master and
workers, or the Celery worker and its pool), read from /proc before and after a run, plus
what the group leader collected from children that exited.
"""

import http.client
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")

POST_LUA = """
local n = 0
tid = tid or 0  -- set per thread by setup() (a global: thread:set writes globals)
local threads = 0
local nonce = "x"
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  nonce = args[1] or "x"
end
request = function()
  n = n + 1
  local body = string.format(TEMPLATE, n, nonce, tid, n, n, tid, nonce)
  return wrk.format("POST", nil, {["Content-Type"]="application/json"}, body)
end
"""


@dataclass
class Result:
    requests: int
    seconds: float
    bad: int  # answers other than the one expected (or socket errors)
    latency_p50_ms: float

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def group_cpu(pgid: int) -> float:
    """Return CPU seconds used so far by the processes of process group `pgid`."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) != pgid:
            continue
        total += int(fields[11]) + int(fields[12])
        if int(entry) == pgid:
            total += int(fields[13]) + int(fields[14])
    return total / TICK


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def run(
    url: str,
    *,
    seconds: float,
    connections: int,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    nonce: str = "x",
    template: str = "",
) -> Result:
    """Load `url` for `seconds` with `connections` keep-alive connections.

    A POST body is `template` (a Lua/printf format taking a counter, the nonce, the
    connection thread's number, ...) filled so that every body and author is new.
    """
    if shutil.which("wrk"):
        return _wrk(url, seconds, connections, method, headers or {}, nonce, template)
    return _python(url, seconds, connections, method, headers or {}, nonce, template)


def _wrk(
    url: str,
    seconds: float,
    connections: int,
    method: str,
    headers: dict[str, str],
    nonce: str,
    template: str,
) -> Result:
    argv = ["wrk", "-t2", f"-c{connections}", f"-d{seconds:g}s", "--latency", "--timeout", "30s"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        lua = f"local TEMPLATE = [[{template}]]\n{POST_LUA}" if method == "POST" else ""
        script.write(lua)
    argv += ["-s", script.name, url]
    if method == "POST":
        argv += ["--", nonce]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    total = int(re.search(r"(\d+) requests in ([\d.]+)(m?s)", out).group(1))  # type: ignore[union-attr]
    took = re.search(r"requests in ([\d.]+)(ms|s|m)", out)
    span = float(took.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[took.group(2)]  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    failed = (int(bad.group(1)) if bad else 0) + (
        sum(int(g) for g in errors.groups()) if errors else 0
    )
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", out)
    p50_ms = float(p50.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[p50.group(2)] if p50 else 0
    return Result(total - (int(bad.group(1)) if bad else 0), span, failed, p50_ms)


def _python(
    url: str,
    seconds: float,
    connections: int,
    method: str,
    headers: dict[str, str],
    nonce: str,
    template: str,
) -> Result:
    """A plain keep-alive load generator, for machines without wrk (it costs more CPU)."""
    host, port_path = url.split("//", 1)[1].split(":", 1)
    port, path = port_path.split("/", 1)
    counts = {"ok": 0, "bad": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    latencies: list[float] = []

    def client(number: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        sent = 0
        while time.monotonic() < deadline:
            sent += 1
            body = None
            hdrs = dict(headers)
            if method == "POST":
                body = template % (sent, nonce, number, sent, sent, number, nonce)
                hdrs["Content-Type"] = "application/json"
            started = time.monotonic()
            try:
                conn.request(method, "/" + path, body, hdrs)
                reply = conn.getresponse()
                reply.read()
                good = reply.status < 400
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                good = False
            with lock:
                counts["ok" if good else "bad"] += 1
                latencies.append(time.monotonic() - started)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0.0
    return Result(counts["ok"], time.monotonic() - started, counts["bad"], p50)


def settle(pgids: list[int], *, quiet_seconds: float = 1.0, limit: float = 120.0) -> None:
    """Wait until the groups use (almost) no CPU for `quiet_seconds`: queued work is done."""
    deadline = time.monotonic() + limit
    last = sum(group_cpu(g) for g in pgids)
    while time.monotonic() < deadline:
        time.sleep(quiet_seconds)
        now = sum(group_cpu(g) for g in pgids)
        if now - last < 0.02 * quiet_seconds:
            return
        last = now
