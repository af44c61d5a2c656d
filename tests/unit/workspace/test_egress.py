"""Tenant URLs: what is refused before a request, and what the connector's resolver refuses."""

from __future__ import annotations

import pytest

from callcenter.errors import Forbidden
from callcenter.workspace.egress import CheckedResolver, EgressRefused, check_url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8088/ws",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/",
        "http://0.0.0.0:5038/",
        "file:///etc/passwd",
        "ftp://8.8.8.8/",
        "http:///nohost",
        "http://[::1/",
    ],
)
def test_private_literals_and_other_schemes_are_refused_before_any_request(url: str) -> None:
    with pytest.raises(Forbidden):
        check_url(url, allow_private=False)


def test_names_and_public_literals_are_left_to_the_resolver() -> None:
    check_url("https://crm.example.com/lookup?number=1", allow_private=False)
    check_url("http://8.8.8.8/", allow_private=False)
    check_url("http://127.0.0.1/", allow_private=True)


@pytest.mark.parametrize("host", ["localhost", "127.1", "2130706433", "0x7f.0.0.1"])
async def test_names_that_resolve_to_loopback_are_refused_by_the_resolver(host: str) -> None:
    resolver = CheckedResolver(allow_private=False)
    try:
        with pytest.raises(EgressRefused):
            await resolver.resolve(host, 80)
        allowed = await CheckedResolver(allow_private=True).resolve(host, 80)
        assert allowed and allowed[0]["hostname"] == host
    finally:
        await resolver.close()
