"""Which addresses may receive webhooks: public ones only, checked after DNS resolution."""

import pytest

from moderation.webhooks.address import AddressRefused, target_for

REFUSED = [
    "http://127.0.0.1/hook",
    "http://127.1.2.3:8080/hook",
    "http://10.0.0.5/hook",
    "http://172.16.4.4/hook",
    "http://192.168.1.10/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[fd00:ec2::254]/",
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://224.0.0.1/hook",
    "http://0.0.0.0/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://100.64.0.1/hook",
    "http://localhost/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_non_public_addresses_are_refused_by_default(url):
    """Loopback, private, link-local, shared, multicast and metadata addresses are refused."""
    with pytest.raises(AddressRefused, match=r"public addresses only|resolves to"):
        target_for(url, allow_private=False)


def test_a_host_name_is_refused_for_what_it_resolves_to():
    """`localhost` is refused because it resolves to a loopback address, named in the error."""
    with pytest.raises(AddressRefused, match=r"localhost resolves to (127\.0\.0\.1|::1)"):
        target_for("http://localhost:9000/hook", allow_private=False)


def test_a_public_address_is_allowed_and_kept_for_the_connection():
    """A public address passes, and the target keeps the checked address to connect to."""
    target = target_for("https://93.184.215.14:8443/in?x=1", allow_private=False)
    assert (target.scheme, target.ip, target.port, target.path) == (
        "https",
        "93.184.215.14",
        8443,
        "/in?x=1",
    )
    assert target.host_header == "93.184.215.14:8443"


def test_allow_private_lets_loopback_through_but_never_metadata():
    """The operator's switch allows private receivers, never the cloud metadata service."""
    assert target_for("http://127.0.0.1:9/hook", allow_private=True).ip == "127.0.0.1"
    with pytest.raises(AddressRefused, match="metadata"):
        target_for("http://169.254.169.254/", allow_private=True)


@pytest.mark.parametrize(
    "url", ["ftp://93.184.215.14/x", "93.184.215.14/hook", "https://user:pw@93.184.215.14/"]
)
def test_only_plain_http_and_https_addresses_are_accepted(url):
    """Other schemes, missing schemes and embedded credentials are refused with a reason."""
    with pytest.raises(AddressRefused):
        target_for(url, allow_private=True)


def test_an_unresolvable_host_is_refused_with_the_reason():
    """A host name that does not resolve is refused, saying so."""
    with pytest.raises(AddressRefused, match="could not be resolved"):
        target_for("https://no-such-host.invalid/hook", allow_private=False)
