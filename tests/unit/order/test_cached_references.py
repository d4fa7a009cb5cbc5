"""Orders priced through the process's reference cache: a price, tier or promotion change
applies to every order read more than the bound after it; promotion windows stay exact."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from tests.unit.order.world import FUNDS_HOLD_SECONDS, RECEIVED_AT, World, order_key
from workers.accounts.queries.cached import AccountsCache, CachedAccounts
from workers.catalog.queries import PromotionWindow, SkuOffer
from workers.catalog.queries.cached import CachedCatalog, CatalogCache
from workers.order.handlers.saga import SagaDeps
from workers.order.memory import MemoryCatalog
from workers.order.model import OrderLine


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class CountedCatalog(MemoryCatalog):
    """The catalog twin, counting the SKUs each read asks for."""

    def __init__(self, source: MemoryCatalog) -> None:
        super().__init__()
        self.skus, self.windows = source.skus, source.windows
        self.reads: list[list[str]] = []

    async def offer_terms(self, skus: list[str]) -> dict[str, SkuOffer]:
        self.reads.append(skus)
        return await super().offer_terms(skus)


@dataclass
class CachedWorld(World):
    seconds: float = 5
    clock: Clock = field(default_factory=Clock)

    def __post_init__(self) -> None:
        super().__post_init__()
        self.catalog = CountedCatalog(self.catalog)
        self.accounts_cache = AccountsCache(self.seconds, self.clock)
        self.catalog_cache = CatalogCache(self.seconds, self.clock)

    @property
    def saga(self) -> SagaDeps:
        accounts = CachedAccounts(self.accounts, self.accounts_cache)  # type: ignore[arg-type]
        return SagaDeps(
            self.orders, accounts, CachedCatalog(self.catalog, self.catalog_cache), FUNDS_HOLD_SECONDS
        )

    def line(self, order_id: str) -> OrderLine:
        [line] = self.order(order_key(order_id)).lines
        return line


async def test_a_price_change_applies_once_the_bound_has_passed() -> None:
    w = CachedWorld(seconds=5)
    await w.place("P1", ("A1", 1))
    w.catalog.sell("A1", "sup_a", standard=1100, gold=900)  # the supplier's change, answered
    w.clock.now += 4.9
    await w.place("P2", ("A1", 1))
    w.clock.now += 0.1
    await w.place("P3", ("A1", 1))
    assert [w.line(p).unit_cost for p in ("P1", "P2", "P3")] == [1000, 1000, 1100]
    assert w.catalog.reads == [["A1"], ["A1"]]


async def test_with_zero_the_next_order_pays_the_new_price() -> None:
    w = CachedWorld(seconds=0)
    await w.place("P1", ("A1", 1))
    w.catalog.sell("A1", "sup_a", standard=1100, gold=900)
    await w.place("P2", ("A1", 1))
    assert [w.line(p).unit_cost for p in ("P1", "P2")] == [1000, 1100]
    assert w.catalog.reads == [["A1"], ["A1"]]


async def test_a_tier_change_applies_once_the_bound_has_passed() -> None:
    w = CachedWorld(seconds=5)
    await w.place("P1", ("A1", 1))
    w.accounts.tiers["m1"] = "gold"
    w.clock.now += 4.9
    await w.place("P2", ("A1", 1))
    w.clock.now += 0.1
    await w.place("P3", ("A1", 1))
    assert [w.order(order_key(p)).tier for p in ("P1", "P2", "P3")] == ["standard", "standard", "gold"]
    assert [w.line(p).unit_cost for p in ("P1", "P2", "P3")] == [1000, 1000, 800]


async def test_a_kept_promotion_starts_and_ends_at_each_orders_own_time() -> None:
    """The SKU is read once with its window; each order picks the window at its `received_at`."""
    w = CachedWorld(seconds=5)
    starts, ends = RECEIVED_AT + timedelta(hours=1), RECEIVED_AT + timedelta(hours=2)
    w.catalog.windows["A1"] = [
        PromotionWindow(promotion_id="promo_1", starts_at=starts, ends_at=ends, tier_prices={"standard": 900})
    ]
    tick = timedelta(microseconds=1)
    moments = {"P1": starts - tick, "P2": starts, "P3": ends - tick, "P4": ends}
    for order_id, at in moments.items():
        await w.place(order_id, ("A1", 1), at=at)
    priced = [(w.line(p).unit_cost, w.line(p).promotion_id) for p in moments]
    assert priced == [(1000, None), (900, "promo_1"), (900, "promo_1"), (1000, None)]
    assert w.catalog.reads == [["A1"]]


async def test_an_order_reads_only_the_skus_not_kept() -> None:
    w = CachedWorld(seconds=5)
    await w.place("P1", ("A2", 1), ("B1", 1))
    await w.place("P2", ("A1", 1), ("A2", 1))
    assert w.catalog.reads == [["A2", "B1"], ["A1"]]
    assert [ln.unit_cost for ln in w.order(order_key("P2")).lines] == [1000, 500]
