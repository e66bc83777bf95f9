"""Where a webhook may be sent: public addresses only, checked after DNS resolution (SSRF).

`target_for(url)` resolves the host once and returns the address to connect to; the caller
connects to that address (never resolving again), so a DNS answer that changes between the
check and the connection cannot point a delivery at an internal service.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Cloud metadata services (AWS, GCP, Azure, ...; and AWS's IPv6 one): never, whatever the setting.
METADATA = frozenset(
    {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
)


class AddressRefused(ValueError):
    """The URL may not receive webhooks; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    ip: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == default else f"{host}:{self.port}"


def target_for(url: str, *, allow_private: bool) -> Target:
    """Return where to send `url`'s requests, or raise AddressRefused."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise AddressRefused("Enter a web address starting with http:// or https://.")
    if parts.username or parts.password:
        raise AddressRefused(
            "Leave credentials out of the address; the signature proves who sends."
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise AddressRefused(f"The port is not valid: {error}.") from error
    ips = _resolve(parts.hostname, port)
    for ip in ips:
        why = refusal(ip, allow_private=allow_private)
        if why:
            raise AddressRefused(
                f"{parts.hostname} resolves to {ip}, {why}; webhooks go to public addresses "
                "only (an operator may allow private ones with COMMENTS_WEBHOOKS_ALLOW_PRIVATE=1)."
            )
    path = parts.path or "/"
    return Target(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port,
        path=f"{path}?{parts.query}" if parts.query else path,
        ip=str(ips[0]),
    )


def refusal(ip: IPAddress, *, allow_private: bool) -> str:
    """Return why `ip` may not receive webhooks ("" when it may)."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return refusal(ip.ipv4_mapped, allow_private=allow_private)
    if ip in METADATA:
        return "a cloud metadata address"
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_unspecified:
        return "an unspecified address"
    if allow_private:
        return ""
    for test, name in (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "not a public address"),
    ):
        if test:
            return name
    return ""


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise AddressRefused(f"The host name {host} could not be resolved ({error}).") from error
    ips: list[IPAddress] = []
    for answer in answers:
        ip = ipaddress.ip_address(str(answer[4][0]).split("%")[0])
        if ip not in ips:
            ips.append(ip)
    if not ips:
        raise AddressRefused(f"The host name {host} has no address.")
    return ips
