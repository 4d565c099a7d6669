"""The client's address: X-Forwarded-For counts only when a trusted proxy sent the request."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from metropoli.common.ratelimit import client_address


def address(peer: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


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
