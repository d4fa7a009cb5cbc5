"""The embedded SecantusDB store: lifecycle, conditional updates and the candidate fix."""

from __future__ import annotations

import asyncio
import importlib
import importlib.metadata
import os
from collections.abc import AsyncIterator, Iterator
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import pytest
from pymongo import AsyncMongoClient, MongoClient, ReturnDocument
from pymongo.asynchronous.collection import AsyncCollection

from juhe.store import embedded, secantus_server
from juhe.store.embedded import EmbeddedStore, EmbeddedStoreError

Doc = dict[str, Any]

needs_secantus = pytest.mark.skipif(find_spec("secantus") is None, reason="needs the `embedded` extra")

IN_STOCK = {"_id": "sku-1", "stock": {"$gte": 1}}
TAKE_ONE = {"$inc": {"stock": -1}}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """A running store on a fresh data dir."""
    running = EmbeddedStore(tmp_path)
    running.start()
    yield running
    running.stop()


@pytest.fixture
async def items(store: EmbeddedStore) -> AsyncIterator[AsyncCollection[Doc]]:
    """An empty collection on the running store."""
    assert store.url is not None
    client: AsyncMongoClient[Doc] = AsyncMongoClient(store.url)
    yield client.juhe_test.items
    await client.close()


async def _crud_round_trip(url: str) -> None:
    """Insert, update, delete and read back through the async driver."""
    client: AsyncMongoClient[Doc] = AsyncMongoClient(url)
    try:
        coll = client.juhe_test.items
        await coll.insert_many([{"_id": "sku-1", "stock": 3}, {"_id": "sku-2", "stock": 9}])
        updated = await coll.update_one({"_id": "sku-1"}, {"$set": {"name": "lamp"}})
        deleted = await coll.delete_one({"_id": "sku-2"})
        assert (updated.modified_count, deleted.deleted_count) == (1, 1)
        assert await coll.find_one({"_id": "sku-1"}) == {"_id": "sku-1", "stock": 3, "name": "lamp"}
    finally:
        await client.close()


async def _all_items(url: str) -> list[Doc]:
    """Read every document of the test collection."""
    client: AsyncMongoClient[Doc] = AsyncMongoClient(url)
    try:
        return await client.juhe_test.items.find().to_list()
    finally:
        await client.close()


@needs_secantus
async def test_documents_survive_a_restart_on_the_same_data_dir(tmp_path: Path) -> None:
    """Writes acknowledged before a stop are served again after a restart."""
    store = EmbeddedStore(tmp_path)
    url = await asyncio.to_thread(store.start)
    try:
        await _crud_round_trip(url)
    finally:
        await asyncio.to_thread(store.stop)
    assert store.url is None

    url = await asyncio.to_thread(store.start)
    try:
        assert await _all_items(url) == [{"_id": "sku-1", "stock": 3, "name": "lamp"}]
    finally:
        await asyncio.to_thread(store.stop)
    store.stop()
    assert store.url is None


@needs_secantus
async def test_conditional_decrement_stops_at_zero(items: AsyncCollection[Doc]) -> None:
    """Each conditional update takes exactly one; at zero it matches nothing and writes nothing."""
    await items.insert_one({"_id": "sku-1", "stock": 2})
    after = ReturnDocument.AFTER

    first = await items.find_one_and_update(IN_STOCK, TAKE_ONE, return_document=after)
    second = await items.find_one_and_update(IN_STOCK, TAKE_ONE, return_document=after)
    third = await items.find_one_and_update(IN_STOCK, TAKE_ONE, return_document=after)

    assert first == {"_id": "sku-1", "stock": 1}
    assert second == {"_id": "sku-1", "stock": 0}
    assert third is None
    assert await items.find_one({"_id": "sku-1"}) == {"_id": "sku-1", "stock": 0}


@needs_secantus
async def test_concurrent_conditional_decrements_never_oversell(
    items: AsyncCollection[Doc],
) -> None:
    """Twenty concurrent takers of five units: exactly five win and stock ends at zero."""
    await items.insert_one({"_id": "sku-1", "stock": 5})
    # AFTER, because SecantusDB 0.7.0b3 answers BEFORE with the document it read before its
    # write, which a concurrent winner may already have changed; the post-image is exact.
    after = ReturnDocument.AFTER

    results = await asyncio.gather(
        *(items.find_one_and_update(IN_STOCK, TAKE_ONE, return_document=after) for _ in range(20))
    )

    assert sorted(r["stock"] for r in results if r is not None) == [0, 1, 2, 3, 4]
    assert results.count(None) == 15
    assert await items.find_one({"_id": "sku-1"}) == {"_id": "sku-1", "stock": 0}


@needs_secantus
def test_candidate_fix_picks_one_candidate_where_the_original_scans(tmp_path: Path) -> None:
    """With 2,000 docs, an `_id` plus `$and` filter yields the one point candidate, not a scan."""
    secantus_server.apply_candidate_fix()
    secantus_server.apply_candidate_fix()
    storage_cls = importlib.import_module("secantus.storage").Storage
    original = storage_cls._try_index_id_keys.__wrapped__
    assert secantus_server.candidate_fix_applied() is True
    assert not hasattr(original, "__wrapped__")  # applying twice did not stack wrappers
    storage = storage_cls(str(tmp_path / "wt"), enable_oplog=False)
    try:
        storage.insert("shop", "items", [{"_id": i, "stock": i % 3} for i in range(2000)])
        query = {"_id": 1234, "$and": [{"stock": {"$gte": 1}}]}
        point = original(storage, "shop", "items", {"_id": 1234})

        assert len(point) == 1
        assert storage._try_index_id_keys("shop", "items", query) == point
        assert original(storage, "shop", "items", query) is None
    finally:
        storage.close()


@needs_secantus
def test_candidate_fix_keeps_the_full_filter_and_stays_narrow(tmp_path: Path) -> None:
    """Writes still honour the `$and`, and filters without field clauses beside it still scan."""
    secantus_server.apply_candidate_fix()
    storage = importlib.import_module("secantus.storage").Storage(str(tmp_path / "wt"))
    try:
        storage.insert("shop", "items", [{"_id": i, "stock": i % 3} for i in range(30)])
        in_stock = [{"stock": {"$gte": 1}}]
        take = {"$inc": {"stock": -1}}

        refused = storage.update_matching("shop", "items", {"_id": 3, "$and": in_stock}, take)
        taken = storage.update_matching("shop", "items", {"_id": 4, "$and": in_stock}, take)

        assert (refused["matched"], taken["matched"]) == (0, 1)
        docs = storage.find_matching("shop", "items", {"_id": {"$in": [3, 4]}})
        assert sorted(docs, key=lambda d: d["_id"]) == [
            {"_id": 3, "stock": 0},
            {"_id": 4, "stock": 0},
        ]
        assert storage._try_index_id_keys("shop", "items", {"$and": [{"_id": 4}]}) is None
        assert storage._try_index_id_keys("shop", "items", {"_id": 4, "$or": in_stock}) is None
    finally:
        storage.close()


@needs_secantus
def test_second_store_on_a_locked_dir_fails_with_the_child_log(store: EmbeddedStore, tmp_path: Path) -> None:
    """A child that exits before READY surfaces its stderr, and the first store keeps serving."""
    second = EmbeddedStore(tmp_path, startup_timeout=20.0)

    with pytest.raises(EmbeddedStoreError, match="before READY") as failure:
        second.start()

    assert "already being managed by another process" in str(failure.value)
    assert second.url is None
    assert store.url is not None
    client: MongoClient[Doc] = MongoClient(store.url, serverSelectionTimeoutMS=5000)
    with client:
        assert client.admin.command("ping")["ok"] == 1.0


def test_missing_secantus_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without SecantusDB installed, start says how to install it and spawns nothing."""
    monkeypatch.setattr(embedded, "find_spec", lambda _name: None)
    store = EmbeddedStore(tmp_path / "data")

    with pytest.raises(EmbeddedStoreError, match="uv sync --extra embedded") as failure:
        store.start()

    assert "JUHE_MONGODB_URL" in str(failure.value)
    assert store.url is None
    assert not (tmp_path / "data").exists()


def test_fix_refuses_another_secantus_release(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fix wraps private internals, so any release but 0.7.0b3 is refused by name."""
    monkeypatch.setattr(importlib.metadata, "version", lambda _dist: "0.7.1")

    with pytest.raises(RuntimeError, match=r"needs secantusdb==0\.7\.0b3, found 0\.7\.1"):
        secantus_server.apply_candidate_fix()


def _cpus_of_every_thread(pid: int) -> set[str]:
    """Each thread's `Cpus_allowed_list` from /proc (one value when all agree)."""
    lists = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            status = (task / "status").read_text()
        except FileNotFoundError:  # a connection's thread that ended meanwhile
            continue
        lists.update(
            line.split(":", 1)[1].strip()
            for line in status.splitlines()
            if line.startswith("Cpus_allowed_list:")
        )
    return lists


@needs_secantus
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads thread affinity from /proc")
async def test_the_store_and_every_thread_it_starts_run_on_the_chosen_cpu(tmp_path: Path) -> None:
    last = max(os.sched_getaffinity(0))
    store = EmbeddedStore(tmp_path)  # the default: one CPU
    url = await asyncio.to_thread(store.start)
    try:
        await _crud_round_trip(url)  # connections: threads started after the pinning
        assert store.pid is not None
        assert _cpus_of_every_thread(store.pid) == {str(last)}
    finally:
        await asyncio.to_thread(store.stop)


@needs_secantus
async def test_all_leaves_the_store_on_every_cpu_and_a_cpu_it_may_not_use_stops_it(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "all", cpus="all")
    await asyncio.to_thread(store.start)
    try:
        assert store.pid is not None
        assert os.sched_getaffinity(store.pid) == os.sched_getaffinity(0)
    finally:
        await asyncio.to_thread(store.stop)
    missing = max(os.sched_getaffinity(0)) + 1000
    with pytest.raises(EmbeddedStoreError, match="cannot run on CPUs"):
        await asyncio.to_thread(
            EmbeddedStore(tmp_path / "none", cpus=str(missing), startup_timeout=20.0).start
        )


@needs_secantus
async def test_the_store_opens_its_storage_engine_with_the_chosen_cache(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path, cache="256M")
    url = await asyncio.to_thread(store.start)
    try:
        await _crud_round_trip(url)
    finally:
        await asyncio.to_thread(store.stop)
    # The engine records the settings a store was created with in its base configuration.
    settings = (tmp_path / "store" / "WiredTiger.basecfg").read_text().splitlines()
    assert "cache_size=256M" in settings
    assert "cache_size=1G" not in settings
