"""Bounded holds, against the real store and the memory twin alike: a reserved order's hold
settles out of its SKU's `holds`, takes come off what it still holds exactly once, and a run
that read an older state never makes a change twice. A supplier's count repeated changes nothing
and still says which records it created."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any, Protocol

import pytest
from pymongo import AsyncMongoClient

from juhe.settings import Settings
from schemas.after_sale import ReleaseStockUnits
from schemas.commands import CommitStock, ReleaseStock, ReserveStock
from schemas.common import StockLine
from schemas.events import StockRejected, StockReserved
from workers.inventory import handlers
from workers.inventory.handlers.ports import InventoryRepository
from workers.inventory.handlers.takes import take_units
from workers.inventory.memory import SEEDED_AT, MemoryInventory
from workers.inventory.model import Reservation, ReservationState, StockRecord, Synced, take_mark
from workers.inventory.queries import InventoryQueries, StockMismatch
from workers.inventory.repository import MongoInventoryRepository

Doc = dict[str, Any]


class Twin(Protocol):
    """A repository under test, with what the tests read back from it."""

    repo: InventoryRepository

    async def stock(self, sku: str) -> StockRecord: ...

    async def reservation(self, order_key: str) -> Reservation: ...

    async def sweep(self) -> None: ...


class MemoryTwin:
    def __init__(self, **on_hand: int) -> None:
        self.memory = MemoryInventory(**on_hand)
        self.repo: InventoryRepository = self.memory

    async def stock(self, sku: str) -> StockRecord:
        return self.memory.stock[sku]

    async def reservation(self, order_key: str) -> Reservation:
        return self.memory.reservations[order_key]

    async def sweep(self) -> None:
        """The twin settles at once."""


class StoreTwin:
    def __init__(self, client: AsyncMongoClient[Doc], database: str) -> None:
        self.db = client[database]
        self.mongo = MongoInventoryRepository(self.db)
        self.repo: InventoryRepository = self.mongo

    async def seed(self, **on_hand: int) -> None:
        for sku, qty in on_hand.items():
            await self.repo.set_on_hand(sku, "sup", qty, SEEDED_AT)

    async def stock(self, sku: str) -> StockRecord:
        return StockRecord.model_validate(await self.db[StockRecord.COLLECTION].find_one({"_id": sku}))

    async def reservation(self, order_key: str) -> Reservation:
        return Reservation.model_validate(await self.db[Reservation.COLLECTION].find_one({"_id": order_key}))

    async def sweep(self) -> None:
        """Two sweeps: the first only ages what no hold has carried yet."""
        await self.mongo.settle_queued()
        await self.mongo.settle_queued()


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[AsyncMongoClient[Doc]]:
    client: AsyncMongoClient[Doc] = AsyncMongoClient(settings.mongodb_url, tz_aware=True)
    yield client
    await client.close()


@pytest.fixture(params=["memory", "store"])
async def twin(request: pytest.FixtureRequest, client: AsyncMongoClient[Doc]) -> AsyncIterator[Twin]:
    """A (10 on hand) and B (10 on hand), in the twin or in a database of the test's own."""
    if request.param == "memory":
        yield MemoryTwin(A=10, B=10)
        return
    database = f"inventory_holds_{uuid.uuid4().hex[:8]}"
    store = StoreTwin(client, database)
    await store.seed(A=10, B=10)
    yield store
    await client.drop_database(database)


def lines(*pairs: tuple[str, int]) -> list[StockLine]:
    return [StockLine(sku=s, qty=q) for s, q in pairs]


def reserve(key: str, *pairs: tuple[str, int]) -> ReserveStock:
    return ReserveStock(correlation_id=key, order_key=key, lines=lines(*pairs))


def commit(key: str, sub_order_id: str, *pairs: tuple[str, int]) -> CommitStock:
    return CommitStock(correlation_id=key, order_key=key, sub_order_id=sub_order_id, lines=lines(*pairs))


def release_units(key: str, release_id: str, *pairs: tuple[str, int]) -> ReleaseStockUnits:
    return ReleaseStockUnits(correlation_id=key, order_key=key, release_id=release_id, lines=lines(*pairs))


def release(key: str, *pairs: tuple[str, int]) -> ReleaseStock:
    return ReleaseStock(correlation_id=key, order_key=key, lines=lines(*pairs), reason="cancelled")


async def counts(twin: Twin, sku: str) -> tuple[int, int, int, int, int]:
    """on_hand, reserved, available, units in unsettled holds, settled units."""
    s = await twin.stock(sku)
    return s.on_hand, s.reserved, s.available, sum(h.qty for h in s.holds), s.settled


async def test_reserved_orders_settle_so_the_sku_carries_none_of_their_holds(twin: Twin) -> None:
    for n in range(8):
        [answer] = await handlers.reserve_stock(reserve(f"o{n}", ("A", 1)), repo=twin.repo)
        assert isinstance(answer, StockReserved)
    await twin.sweep()

    stock = await twin.stock("A")
    assert (stock.holds, stock.settled, stock.reserved, stock.available) == ([], 8, 8, 2)
    assert stock.violations() == []
    assert [(await twin.reservation(f"o{n}")).settled for n in range(8)] == [True] * 8


async def test_a_run_still_going_keeps_the_hold_unsettled_until_it_ends(twin: Twin) -> None:
    """Two runs of one order's reserve: while the second may still hold, the first's decision does
    not settle, so the second finds the hold and holds nothing twice."""
    repo = twin.repo
    await repo.open_reservation("o1", lines(("A", 2)), "run-1")
    await repo.open_reservation("o1", lines(("A", 2)), "run-2")
    assert await repo.hold("A", "o1", 2) is not None
    first = await repo.decide("o1", "run-1", ReservationState.RESERVED)
    assert (first.settled, first.attempts) == (False, ["run-2"])

    assert await repo.hold("A", "o1", 2) is not None  # the second run's hold finds the first's
    second = await repo.decide("o1", "run-2", ReservationState.RESERVED)

    assert (second.state, second.settled, second.attempts) == (ReservationState.RESERVED, True, [])
    assert await counts(twin, "A") == (10, 2, 8, 2, 0)


async def test_takes_come_off_settled_holds_once_whatever_repeats(twin: Twin) -> None:
    await handlers.reserve_stock(reserve("o1", ("A", 3), ("B", 2)), repo=twin.repo)
    await twin.sweep()
    assert await counts(twin, "A") == (10, 3, 7, 0, 3)

    for _ in range(2):  # a shipment of 2 of A, delivered twice
        await handlers.commit_stock(commit("o1", "so1", ("A", 2)), repo=twin.repo)
    assert await counts(twin, "A") == (8, 1, 7, 0, 1)

    for _ in range(2):  # a refund cancels 5 of A: only the 1 still held goes
        await handlers.release_units(release_units("o1", "r1", ("A", 5)), repo=twin.repo)
    assert await counts(twin, "A") == (8, 0, 8, 0, 0)

    for _ in range(2):  # the order closes: B's 2 come back, A has nothing left to give
        await handlers.release_stock(release("o1", ("A", 3), ("B", 2)), repo=twin.repo)
    assert (await counts(twin, "A"), await counts(twin, "B")) == ((8, 0, 8, 0, 0), (10, 0, 10, 0, 0))

    closed = await twin.reservation("o1")
    assert (closed.state, closed.was_reserved, closed.attempts) == (ReservationState.RELEASED, True, [])
    assert [(t.key, t.sku, t.qty, t.applied) for t in closed.taken] == [
        ("commit:so1", "A", 2, True),
        ("release:r1", "A", 1, True),
        ("close", "B", 2, True),
    ]
    assert ((await twin.stock("A")).marks, (await twin.stock("B")).marks) == ([], [])


async def test_a_take_before_its_hold_settles_comes_off_the_hold(twin: Twin) -> None:
    """Settling is lazy in the store: a take may find the hold still in `holds`."""
    await handlers.reserve_stock(reserve("o1", ("A", 3)), repo=twin.repo)
    await handlers.commit_stock(commit("o1", "so1", ("A", 1)), repo=twin.repo)
    await twin.sweep()
    assert await counts(twin, "A") == (9, 2, 7, 0, 2)
    await handlers.commit_stock(commit("o1", "so2", ("A", 2)), repo=twin.repo)
    assert await counts(twin, "A") == (7, 0, 7, 0, 0)
    assert (await twin.stock("A")).violations() == []


async def test_a_take_keeps_its_mark_while_another_run_of_it_may_still_apply_it(twin: Twin) -> None:
    repo = twin.repo
    await handlers.reserve_stock(reserve("o1", ("A", 3)), repo=twin.repo)
    await twin.sweep()
    first = await repo.take("o1", "commit:so1", lines(("A", 2)), "run-1")
    second = await repo.take("o1", "commit:so1", lines(("A", 2)), "run-2")
    assert first is not None
    assert second is not None
    assert [(t.qty, t.applied) for t in second.takes_of("commit:so1")] == [(2, False)]

    await take_units(repo, first, "commit:so1", "run-1", shipped=True)
    assert (await twin.stock("A")).marks == [take_mark("o1", "commit:so1")]  # run-2 may still apply
    await take_units(repo, second, "commit:so1", "run-2", shipped=True)  # it read "not applied"

    assert await counts(twin, "A") == (8, 1, 7, 0, 1)
    assert (await twin.stock("A")).marks == []
    assert (await twin.reservation("o1")).attempts == []


async def test_a_reservation_closed_while_pending_drops_its_unsettled_holds(twin: Twin) -> None:
    repo = twin.repo
    await repo.open_reservation("o1", lines(("A", 2)), "run-1")
    assert await repo.hold("A", "o1", 2) is not None
    await handlers.release_stock(release("o1", ("A", 2)), repo=repo)  # overtakes the decision
    late = await repo.decide("o1", "run-1", ReservationState.RESERVED)
    assert (late.state, late.was_reserved) == (ReservationState.RELEASED, False)

    [answer, _] = await handlers.reserve_stock(reserve("o1", ("A", 2)), repo=repo)  # its redelivery

    assert isinstance(answer, StockRejected)
    assert await counts(twin, "A") == (10, 0, 10, 0, 0)


async def test_concurrent_orders_and_their_duplicates_hold_exactly_on_one_sku(
    client: AsyncMongoClient[Doc],
) -> None:
    """The store only: 30 orders of 1 unit for 10 units, each sent twice at once, against a
    SKU whose earlier orders have settled. Exactly 10 hold, once each."""
    database = f"inventory_holds_{uuid.uuid4().hex[:8]}"
    store = StoreTwin(client, database)
    try:
        await store.seed(A=20)
        for n in range(10):
            await handlers.reserve_stock(reserve(f"early{n}", ("A", 1)), repo=store.repo)
        await store.sweep()
        orders = [reserve(f"o{n}", ("A", 1)) for n in range(30)]
        answers = await asyncio.gather(*(handlers.reserve_stock(o, repo=store.repo) for o in orders * 2))

        reserved = {a[0].order_key for a in answers if isinstance(a[0], StockReserved)}
        assert len(reserved) == 10
        await store.sweep()
        stock = await store.stock("A")
        assert (stock.reserved, stock.available, stock.settled, stock.holds) == (20, 0, 20, [])
        assert stock.violations() == []
    finally:
        await client.drop_database(database)


async def test_the_audit_counts_what_reserved_orders_hold_against_each_sku(
    client: AsyncMongoClient[Doc],
) -> None:
    """A settled hold lives in a counter: the audit checks it against the reservations."""
    database = f"inventory_holds_{uuid.uuid4().hex[:8]}"
    store = StoreTwin(client, database)
    try:
        await store.seed(A=10, B=10)
        await handlers.reserve_stock(reserve("o1", ("A", 3), ("B", 2)), repo=store.repo)
        await handlers.commit_stock(commit("o1", "so1", ("B", 1)), repo=store.repo)
        await store.sweep()
        assert await InventoryQueries(store.db).reservation_mismatches() == []

        lost = {"$set": {"reserved": 1, "settled": 1, "available": 9}}  # two units gone astray
        await store.db[StockRecord.COLLECTION].update_one({"_id": "A"}, lost)
        await store.db[StockRecord.COLLECTION].delete_one({"_id": "B"})

        assert await InventoryQueries(store.db).reservation_mismatches() == [
            StockMismatch(sku="A", problems=["reserved 1 != 3 held by reserved orders"]),
            StockMismatch(sku="B", problems=["no stock, 1 held by reserved orders"]),
        ]
    finally:
        await client.drop_database(database)


async def test_a_count_repeated_changes_nothing_and_still_says_which_record_it_created(twin: Twin) -> None:
    at = SEEDED_AT + timedelta(hours=1)
    assert await twin.repo.set_on_hand("NEW", "sup", 4, at) is Synced.CREATED
    assert await twin.repo.set_on_hand("NEW", "sup", 9, at) is Synced.CREATED
    assert await twin.repo.set_on_hand("A", "sup", 7, at) is Synced.UPDATED
    assert await twin.repo.set_on_hand("A", "sup", 8, at) is Synced.STALE
    assert await twin.repo.set_on_hand("NEW", "sup", 1, SEEDED_AT) is Synced.STALE
    later = at + timedelta(hours=1)
    assert await twin.repo.set_on_hand("NEW", "sup", 2, later) is Synced.UPDATED
    assert await twin.repo.set_on_hand("NEW", "sup", 2, later) is Synced.STALE
    new, a = await twin.stock("NEW"), await twin.stock("A")
    assert (new.on_hand, new.available, new.synced_at, new.first_synced_at) == (2, 2, later, at)
    assert (a.on_hand, a.synced_at) == (7, at)
