"""HTTPS receivers: the connection goes to the checked address, the certificate to the name."""

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from moderation.webhooks.address import Target
from moderation.webhooks.transport import post
from tests.receiver import Receiver, webhook_receiver


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_receiver(ca: trustme.CA) -> Iterator[Receiver]:
    """An https receiver on loopback whose certificate names hooks.test only."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("hooks.test").configure_cert(context)
    with webhook_receiver(tls=context) as running:
        yield running


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def target(receiver: Receiver, host: str) -> Target:
    port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
    return Target(scheme="https", host=host, port=port, path="/hook", ip="127.0.0.1")


def test_https_reaches_the_checked_address_and_verifies_the_host_name(tls_receiver, ca_file):
    """The request goes to the checked IP over TLS, with SNI and Host naming the host."""
    outcome = post(
        target(tls_receiver, "hooks.test"),
        body=b"{}",
        headers={},
        connect=2,
        read=2,
        ca_bundle=ca_file,
    )
    assert outcome.ok, outcome.error
    assert tls_receiver.requests[0].headers["host"].startswith("hooks.test:")


def test_a_certificate_for_another_name_is_refused(tls_receiver, ca_file):
    """A certificate that does not name the endpoint's host fails the attempt; nothing is sent."""
    outcome = post(
        target(tls_receiver, "other.test"),
        body=b"{}",
        headers={},
        connect=2,
        read=2,
        ca_bundle=ca_file,
    )
    assert not outcome.ok
    assert "certificate" in outcome.error.lower() or "hostname" in outcome.error.lower()
    assert tls_receiver.requests == []


def test_an_untrusted_certificate_is_refused(tls_receiver):
    """Without the CA among the trusted ones, the receiver's certificate is not accepted."""
    outcome = post(target(tls_receiver, "hooks.test"), body=b"{}", headers={}, connect=2, read=2)
    assert not outcome.ok
    assert "certificate" in outcome.error.lower()
    assert tls_receiver.requests == []
