"""Who is asking: the client's IP address, believing X-Forwarded-For only from our proxies."""

import ipaddress

from django.http import HttpRequest

from comments.conf import comments_setting


def client_ip(request: HttpRequest) -> str | None:
    """Return the client's IP: the socket peer, or the first untrusted X-Forwarded-For hop.

    X-Forwarded-For is read right to left while the hop is one of COMMENTS_TRUSTED_PROXIES;
    the first address that is not a trusted proxy is the client. Unset = the peer itself.
    """
    peer = _parse(request.META.get("REMOTE_ADDR", ""))
    trusted = _trusted_networks()
    if peer is None or not _is_trusted(peer, trusted):
        return str(peer) if peer else None
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        address = _parse(hop)
        if address is None:
            return str(peer)
        if not _is_trusted(address, trusted):
            return str(address)
    return str(peer)


def network_of(ip: str | None) -> str:
    """Return the /24 (IPv4) or /64 (IPv6) network around `ip`, or '' when there is none."""
    address = _parse(ip or "")
    if address is None:
        return ""
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    networks = []
    for entry in comments_setting("TRUSTED_PROXIES"):
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            continue
    return networks


def _is_trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
    trusted: list[ipaddress.IPv4Network | ipaddress.IPv6Network],
) -> bool:
    return any(address.version == net.version and address in net for net in trusted)
