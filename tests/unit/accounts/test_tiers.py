"""Adding a tier: once per request; another request for the same name is a conflict."""

from __future__ import annotations

from schemas.applications import AddTier
from workers.accounts.handlers.tiers import add_tier
from workers.accounts.memory import MemoryAccountsRepository


class PricedCatalog:
    """The catalog's side of `PriceGaps`: SKUs lacking a price for the tier, counted once per call."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def skus_missing_price(self, tier: str) -> tuple[int, list[str]]:
        self.asked.append(tier)
        return 2, ["A-1", "B-2"]


def adding(name: str, request_id: str) -> AddTier:
    return AddTier(correlation_id=name, name=name, request_id=request_id)


async def test_the_same_request_twice_gets_the_same_answer(repo: MemoryAccountsRepository) -> None:
    catalog = PricedCatalog()
    first = await add_tier(adding("vip", "r1"), repo=repo, catalog=catalog)
    assert first == ({"name": "vip", "skus_missing_price": 2, "sample": ["A-1", "B-2"]}, [])
    assert await add_tier(adding("vip", "r1"), repo=repo, catalog=catalog) == first
    assert await repo.known_tiers() == ["standard", "silver", "gold", "vip"]
    assert (repo.tiers["vip"].source, repo.tiers["vip"].request_id) == ("operator", "r1")


async def test_another_request_for_an_existing_tier_is_a_conflict(repo: MemoryAccountsRepository) -> None:
    catalog = PricedCatalog()
    await add_tier(adding("vip", "r1"), repo=repo, catalog=catalog)
    again = await add_tier(adding("vip", "r2"), repo=repo, catalog=catalog)
    seeded = await add_tier(adding("gold", "r3"), repo=repo, catalog=catalog)
    assert again == ({"error": {"code": "conflict", "message": "name: tier 'vip' already exists"}}, [])
    assert seeded[0]["error"]["message"] == "name: tier 'gold' already exists"
    assert catalog.asked == ["vip"]
    assert (repo.tiers["vip"].request_id, repo.tiers["gold"].source) == ("r1", "settings")


async def test_seeding_again_changes_nothing(repo: MemoryAccountsRepository) -> None:
    before = dict(repo.tiers)
    await repo.seed_tiers(["standard", "silver", "gold"])
    assert repo.tiers == before
