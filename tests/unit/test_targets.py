"""Outbound targets: non-public addresses are refused, as literals and behind every resolved name.

No connection is made anywhere: literals are judged as they are, names through a stub resolver
(only `localhost` is resolved for real).
"""

from __future__ import annotations

from ipaddress import ip_address

import pytest

from juhe.targets import Resolver, TargetRefusedError, check_target, refused_address

PRIVATE = [
    ("127.0.0.1", "a loopback address"),
    ("::1", "a loopback address"),
    ("169.254.169.254", "a link-local address"),
    ("fe80::1", "a link-local address"),
    ("10.0.0.1", "a private address"),
    ("172.16.0.1", "a private address"),
    ("192.168.1.1", "a private address"),
    ("fc00::1", "a private address"),
    ("0.0.0.0", "the unspecified address"),
    ("::", "the unspecified address"),
    ("224.0.0.1", "a multicast address"),
    ("ff02::1", "a multicast address"),
    ("240.0.0.1", "a private address"),
    ("100.64.0.1", "not a public address"),
    ("::ffff:127.0.0.1", "a loopback address"),
    ("2002:a9fe:a9fe::1", "a link-local address"),  # 6to4 of 169.254.169.254
]
PUBLIC = ["93.184.216.34", "2606:4700:4700::1111"]


def resolver(*addresses: str) -> Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize(("address", "why"), PRIVATE)
def test_non_public_addresses_are_refused_with_the_reason(address: str, why: str) -> None:
    assert refused_address(ip_address(address)) == why


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address: str) -> None:
    assert refused_address(ip_address(address)) is None


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:15672/api", "https://169.254.169.254/latest/meta-data", "http://[::1]/x"]
)
async def test_an_ip_literal_url_is_refused_naming_the_field(url: str) -> None:
    with pytest.raises(TargetRefusedError) as refused:
        await check_target(url, "delivery.url", allow_private=False, resolve=resolver())
    assert str(refused.value).startswith("delivery.url: ")
    assert "requests may not go there" in str(refused.value)


async def test_localhost_is_refused_after_resolving_it() -> None:
    with pytest.raises(TargetRefusedError, match=r"^callback_url: localhost is a loopback address"):
        await check_target("http://localhost:8000/cb", "callback_url", allow_private=False)


async def test_a_name_is_refused_when_any_one_of_its_addresses_is_private() -> None:
    resolve = resolver("93.184.216.34", "10.0.0.7")
    with pytest.raises(TargetRefusedError, match=r"erp\.example is a private address \(10\.0\.0\.7\)"):
        await check_target("https://erp.example/hook", "delivery.url", allow_private=False, resolve=resolve)


async def test_a_name_whose_addresses_are_all_public_is_allowed() -> None:
    resolve = resolver(*PUBLIC)
    await check_target("https://erp.example/hook", "delivery.url", allow_private=False, resolve=resolve)


async def test_a_name_that_resolves_to_nothing_is_refused() -> None:
    async def fails(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    for resolve in (resolver(), fails):
        with pytest.raises(TargetRefusedError, match="does not resolve"):
            await check_target("https://gone.example/", "delivery.url", allow_private=False, resolve=resolve)


@pytest.mark.parametrize(
    "url", ["ftp://erp.example/", "http:///path", "file:///etc/passwd", "http://a:99999/"]
)
async def test_only_http_urls_with_a_host_are_targets_even_when_private_ones_are_allowed(url: str) -> None:
    with pytest.raises(TargetRefusedError):
        await check_target(url, "delivery.url", allow_private=True, resolve=resolver())


async def test_allowing_private_targets_takes_loopback_without_resolving() -> None:
    async def never(host: str, port: int) -> list[str]:
        raise AssertionError("no lookup when private targets are allowed")

    await check_target("http://127.0.0.1:9/cb", "callback_url", allow_private=True, resolve=never)
    await check_target("http://localhost:9/cb", "callback_url", allow_private=True, resolve=never)
