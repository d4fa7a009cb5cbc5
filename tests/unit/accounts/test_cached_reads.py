"""Accounts' reads through the reference cache: one entry per supplier, account or shop."""

from __future__ import annotations

from datetime import UTC, datetime

from schemas.supplier_accounts import RoutingRule
from workers.accounts.model import Shop
from workers.accounts.queries.cached import AccountsCache, CachedAccounts

AT = datetime(2026, 10, 1, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Source:
    """What `AccountsQueries` would answer, recording each read's arguments."""

    def __init__(self) -> None:
        self.pushing: set[str] = {"sup_a"}
        self.rules: dict[str, list[RoutingRule]] = {}
        self.shop_ids: set[str] = {"s1", "s2"}
        self.reads: list[tuple[str, list[str]]] = []

    async def webhook_suppliers(self, supplier_ids: list[str]) -> set[str]:
        self.reads.append(("suppliers", supplier_ids))
        return self.pushing & set(supplier_ids)

    async def routing_rules(self, supplier_ids: list[str]) -> dict[str, list[RoutingRule]]:
        self.reads.append(("routing", supplier_ids))
        return {s: self.rules[s] for s in supplier_ids if s in self.rules}

    async def shops(self, platform: str, shop_ids: list[str]) -> dict[str, Shop]:
        self.reads.append((f"shops {platform}", shop_ids))
        return {s: _shop(platform, s) for s in shop_ids if s in self.shop_ids}


def _shop(platform: str, shop_id: str) -> Shop:
    return Shop.model_validate(
        {
            "_id": f"{platform}:{shop_id}",
            "merchant_id": "m1",
            "platform": platform,
            "shop_id": shop_id,
            "webhook_secret": "secret",
            "created_at": AT,
        }
    )


def _cached(source: Source, clock: Clock, seconds: float = 5) -> CachedAccounts:
    return CachedAccounts(source, AccountsCache(seconds, clock))  # type: ignore[arg-type]


async def test_delivery_modes_are_kept_per_supplier_pull_ones_included() -> None:
    source, clock = Source(), Clock()
    accounts = _cached(source, clock)
    assert await accounts.webhook_suppliers(["sup_a", "sup_b"]) == {"sup_a"}
    source.pushing = {"sup_b", "sup_c"}  # sup_a now pulls, sup_b and sup_c take webhooks
    assert await accounts.webhook_suppliers(["sup_b", "sup_c"]) == {"sup_c"}
    clock.now += 5
    assert await accounts.webhook_suppliers(["sup_a", "sup_b"]) == {"sup_b"}
    assert source.reads == [
        ("suppliers", ["sup_a", "sup_b"]),
        ("suppliers", ["sup_c"]),
        ("suppliers", ["sup_a", "sup_b"]),
    ]


async def test_a_supplier_without_rules_is_kept_without_rules_for_the_bound() -> None:
    source, clock = Source(), Clock()
    accounts = _cached(source, clock)
    assert await accounts.routing_rules(["sup_a"]) == {}
    rule = RoutingRule.model_validate({"account_id": "acc_1", "tier": "gold"})
    source.rules["sup_a"] = [rule]
    clock.now += 4.9
    assert await accounts.routing_rules(["sup_a"]) == {}
    clock.now += 0.1
    assert await accounts.routing_rules(["sup_a"]) == {"sup_a": [rule]}
    assert source.reads == [("routing", ["sup_a"]), ("routing", ["sup_a"])]


async def test_shops_are_kept_per_platform_and_shop() -> None:
    source, clock = Source(), Clock()
    accounts = _cached(source, clock)
    assert set(await accounts.shops("taobao", ["s1", "s3"])) == {"s1"}
    assert set(await accounts.shops("taobao", ["s1", "s2"])) == {"s1", "s2"}
    assert set(await accounts.shops("jd", ["s1"])) == {"s1"}
    assert source.reads == [("shops taobao", ["s1", "s3"]), ("shops taobao", ["s2"]), ("shops jd", ["s1"])]


async def test_with_zero_every_read_goes_to_the_store() -> None:
    source, clock = Source(), Clock()
    accounts = _cached(source, clock, seconds=0)
    await accounts.webhook_suppliers(["sup_a"])
    await accounts.webhook_suppliers(["sup_a"])
    assert source.reads == [("suppliers", ["sup_a"]), ("suppliers", ["sup_a"])]
