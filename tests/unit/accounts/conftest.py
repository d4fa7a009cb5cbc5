"""The accounts rules run on the in-memory twin, seeded with the configured tiers."""

from __future__ import annotations

import pytest

from workers.accounts.memory import MemoryAccountsRepository

TIERS = ["standard", "silver", "gold"]


@pytest.fixture
async def repo() -> MemoryAccountsRepository:
    memory = MemoryAccountsRepository()
    await memory.seed_tiers(TIERS)
    return memory
