"""One HTTP POST to a checked address: short timeouts, no redirects, a short answer kept.

Connects to `Target.ip` (the address the SSRF check passed) and names the host only in
the Host header and, for https, in SNI and the certificate check.
"""

import time
from dataclasses import dataclass

import urllib3
from urllib3.exceptions import HTTPError

from moderation.webhooks.address import Target

EXCERPT_BYTES = 1000


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int


def post(
    target: Target,
    *,
    body: bytes,
    headers: dict[str, str],
    connect: float,
    read: float,
    ca_bundle: str | None = None,
) -> Outcome:
    """POST `body` to `target`; a 2xx answer is success, anything else (3xx too) a failure."""
    started = time.monotonic()
    pool = _pool(target, urllib3.Timeout(connect=connect, read=read), ca_bundle)
    try:
        response = pool.urlopen(
            "POST",
            target.path,
            body=body,
            headers={**headers, "host": target.host_header},
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            excerpt = response.read(EXCERPT_BYTES).decode("utf-8", "replace")
        finally:
            response.release_conn()
    except (HTTPError, OSError) as error:
        return Outcome(False, None, "", _describe(error), _ms(started))
    finally:
        pool.close()
    status = response.status
    ok = 200 <= status < 300
    why = "" if ok else _status_error(status, response.headers.get("location", ""))
    return Outcome(ok, status, excerpt, why, _ms(started))


def _pool(
    target: Target, timeout: urllib3.Timeout, ca_bundle: str | None
) -> urllib3.HTTPConnectionPool:
    if target.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            target.ip,
            target.port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            ca_certs=ca_bundle,
            server_hostname=target.host,
            assert_hostname=target.host,
        )
    return urllib3.HTTPConnectionPool(
        target.ip, target.port, timeout=timeout, retries=False, maxsize=1
    )


def _status_error(status: int, location: str) -> str:
    if 300 <= status < 400:
        return f"HTTP {status}: redirect to {location[:200] or '?'} not followed"
    return f"HTTP {status}"


def _describe(error: BaseException) -> str:
    reason = getattr(error, "reason", None) or error
    return f"{type(reason).__name__}: {reason}"[:500]


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
