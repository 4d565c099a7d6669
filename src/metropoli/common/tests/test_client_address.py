"""The client's address: X-Forwarded-For counts only when a trusted proxy sent the request; limits
count an IPv6 client by its /64 network."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from metropoli.common.ratelimit import RateLimited, client_address, client_key, limit_guests


def _request(peer: str, forwarded: str | None = None):
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def address(peer: str, forwarded: str | None = None) -> str:
    return client_address(_request(peer, forwarded))


def test_without_trusted_proxies_a_forged_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert address("198.51.100.9", "6.6.6.6") == "198.51.100.9"
    assert address("198.51.100.9", "6.6.6.6, 7.7.7.7") == "198.51.100.9"


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    # nginx appends the peer it saw ($proxy_add_x_forwarded_for) after what the client sent.
    assert address("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert address("127.0.0.1", "6.6.6.6, 203.0.113.7") == "203.0.113.7"
    assert address("127.0.0.1", "10.9.9.9, 8.8.8.8 ,203.0.113.7") == "203.0.113.7"


def test_a_chain_of_trusted_proxies_is_walked_from_the_right(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8", "2001:db8::/32"]
    assert address("127.0.0.1", "6.6.6.6, 203.0.113.7, 10.1.2.3") == "203.0.113.7"
    assert address("10.0.0.2", "6.6.6.6, 2001:db9::5, 2001:db8::1") == "2001:db9::5"
    # Only our proxies in the header: the furthest of them.
    assert address("127.0.0.1", "10.0.0.9, 10.0.0.8") == "10.0.0.9"


def test_a_request_from_an_untrusted_peer_keeps_its_own_address(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert address("198.51.100.9", "127.0.0.1, 203.0.113.7") == "198.51.100.9"
    assert address("127.0.0.1") == "127.0.0.1"
    assert address("127.0.0.1", "") == "127.0.0.1"


def test_a_hop_that_is_not_an_address_stops_the_walk_at_the_peer(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert address("127.0.0.1", "203.0.113.7, not-an-address") == "127.0.0.1"
    assert address("127.0.0.1", "unknown") == "127.0.0.1"


def test_an_ipv4_mapped_peer_is_recognised_as_trusted(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert address("::ffff:127.0.0.1", "203.0.113.7") == "203.0.113.7"


def test_a_malformed_setting_is_a_configuration_error(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "nginx.local"]
    with pytest.raises(ImproperlyConfigured, match="METROPOLI_TRUSTED_PROXIES"):
        address("127.0.0.1", "203.0.113.7")


def key(peer: str, forwarded: str | None = None) -> str:
    return client_key(_request(peer, forwarded))


def test_limits_count_an_ipv4_client_by_its_address(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert key("198.51.100.9") == "198.51.100.9"
    assert key("127.0.0.1", "203.0.113.7") == "203.0.113.7"
    assert key("::ffff:198.51.100.9") == "198.51.100.9"


def test_limits_count_an_ipv6_client_by_its_64_network(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    # Two addresses a phone's privacy extensions may pick inside its carrier's /64: one client.
    first = key("127.0.0.1", "2001:db8:1:2:a1b2:c3d4:e5f6:1")
    assert first == key("2001:db8:1:2::ffff") == "2001:db8:1:2::/64"
    # Another subscriber's /64 is another client.
    assert key("2001:db8:1:3::1") == "2001:db8:1:3::/64"


def test_a_peer_that_is_not_an_address_is_its_own_key(settings):
    settings.TRUSTED_PROXIES = []
    assert key("unix-socket") == "unix-socket"


@pytest.mark.django_db
def test_rotating_ipv6_addresses_does_not_escape_a_guest_limit(settings):
    settings.TRUSTED_PROXIES = []
    factory = RequestFactory()
    for n in range(3):
        request = factory.post("/", REMOTE_ADDR=f"2001:db8:77:1::{n + 1:x}")
        request.user = AnonymousUser()
        limit_guests(request, f"ipv6-rotation-{id(factory)}", limit=3, window=60)
    request = factory.post("/", REMOTE_ADDR="2001:db8:77:1:dead:beef:0:1")
    request.user = AnonymousUser()
    with pytest.raises(RateLimited):
        limit_guests(request, f"ipv6-rotation-{id(factory)}", limit=3, window=60)
