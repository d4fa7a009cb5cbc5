"""The bench end to end at toy sizes: every phase runs, the report has its shape, counts are exact
where they can be, and nothing is left behind (scratch queue, scratch databases)."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import aio_pika
import pytest
from aiormq.exceptions import ChannelNotFoundEntity
from pymongo import AsyncMongoClient

from bench.growth import GrowthOptions, run_growth
from bench.growth_seed import Shape, order_docs, supplier_id
from bench.run import Options, run
from bench.store_ceiling import LIMITS
from juhe.broker import local_or_configured

ORDERS = 8  # two per quarter, the fewest that give four quarter rates
STEADY_RATE, STEADY_SECONDS = 4.0, 1.0
STATUSES = {"PASS", "FAIL", "n/a"}


@pytest.fixture
def store_url(mongodb_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The bench and the growth mode use the session's store instead of starting their own."""
    monkeypatch.setenv("JUHE_MONGODB_URL", mongodb_url)
    return mongodb_url


@pytest.mark.parametrize("worker_processes", [1, 0], ids=["workers apart", "workers in the bench"])
async def test_default_run_measures_every_phase(
    store_url: str, tmp_path: Path, worker_processes: int
) -> None:
    opts = Options(
        orders=ORDERS, merchants=1, skus=3, suppliers=1, concurrency=4, timeout=120.0,
        ceiling_seconds=0.5, ceiling_concurrency=4, rate=STEADY_RATE, steady_seconds=STEADY_SECONDS,
        results=str(tmp_path), worker_processes=worker_processes,
    )  # fmt: skip
    result, path = await run(opts)

    assert json.loads(path.read_text()) == json.loads(json.dumps(result, default=str))
    _assert_burst(result)
    _assert_cpu(result["cpu_ms_per_order"], worker_processes)
    _assert_ceilings(result)
    steady = result["steady"]
    assert steady["offered"] == steady["accepted"] == steady["routed"] == int(STEADY_RATE * STEADY_SECONDS)
    # Each steady order is inserted once, alone or in a group with others.
    assert 0 < steady["store_commands"]["by_collection"]["insert orders"] <= 1.0
    assert 0 < steady["latency_ms"]["p50"] <= steady["latency_ms"]["p99"]
    assert [g["figure"] for g in result["goals"]][1:3] == [
        "store commands per 2-line order",
        "broker messages per 2-line order",
    ]
    assert {g["status"] for g in result["goals"]} <= STATUSES
    assert all(g["status"] != "n/a" for g in result["goals"])  # every goal was measured
    await _assert_gone(store_url, result)


def _assert_burst(result: dict[str, Any]) -> None:
    assert result["acceptance"]["accepted"] == result["orders_stored"] == ORDERS
    assert result["routing"]["routed"] == ORDERS
    assert result["outcomes"]["by_status"] == {"routed": ORDERS}
    assert not result["timed_out"]
    assert len(result["routing"]["quarters_per_second"]) == 4
    assert sum(result["routing"]["routed_per_window"]) == ORDERS
    assert 0.0 <= result["steal"]["share"] < 1.0  # this machine's kernel reports steal
    by_collection = result["store_commands"]["by_collection"]
    # Grouped inserts: one command per order at most, fewer when orders were inserted together.
    assert 0 < by_collection["insert orders"] <= 1.0
    assert 0 < by_collection["insert sub_orders"] <= 1.0
    messages = result["broker_messages"]["by_name_per_order"]
    assert messages["order.place"] == 1.0  # the edge publishes each accepted webhook once
    # A redelivered handler announces again (repeats re-derive their follow-ups): at least once.
    assert messages["order.routed"] >= 1.0


def _assert_cpu(cpu: dict[str, Any], worker_processes: int) -> None:
    """Each process measured on its own: the workers' apart from the bench's when they run apart."""
    if worker_processes:
        assert set(cpu) == {"bench+edge", "workers", "store", "broker"}
        assert cpu["bench+edge"]["pids"] == [os.getpid()]
        assert len(cpu["workers"]["pids"]) == worker_processes
        assert os.getpid() not in cpu["workers"]["pids"]
        assert cpu["workers"]["ms_per_order"] > 0
    else:
        assert set(cpu) == {"bench+edge+workers", "store", "broker"}
        assert cpu["bench+edge+workers"]["pids"] == [os.getpid()]
    assert all(cpu[label]["ms_per_order"] > 0 for label in ("store", "broker"))


def _assert_ceilings(result: dict[str, Any]) -> None:
    ceilings = result["ceilings"]
    store, broker = ceilings["store"], ceilings["broker"]
    # Every command the burst counted was recorded, except the continuations of cursors.
    counted = result["store_commands"]["by_collection"]
    assert store["commands_per_order"] == pytest.approx(
        sum(per_order for name, per_order in counted.items() if not name.startswith("getMore")), abs=0.01
    )
    assert set(store["by_limit"]) == {str(limit) for limit in LIMITS}
    runs = store["by_limit"]
    best = runs[store["best_limit"]]
    assert best["commands_per_second"] == max(run["commands_per_second"] for run in runs.values())
    assert store["orders_per_second"] == best["orders_per_second"] > 0
    assert 0 < best["commands"] <= store["commands_recorded"]
    # The replay redid the burst's work: what its commands wrote, matched and read, give or take
    # a read that raced a write differently.
    assert store["effects"]["share"] == pytest.approx(1.0, abs=0.05)
    assert broker["published"] > 0
    assert broker["consumed"] == broker["published"]
    assert ceilings["binding"] in {"store", "broker"}
    lower = min(store["orders_per_second"], broker["orders_per_second"])
    assert ceilings["binding_orders_per_second"] == lower


async def _assert_gone(store_url: str, result: dict[str, Any]) -> None:
    """The scratch queue and the databases (the run's and the ceiling's copies) were removed."""
    connection = await aio_pika.connect(local_or_configured(dict(os.environ)))
    async with connection:
        channel = await connection.channel()
        with pytest.raises(ChannelNotFoundEntity):
            await channel.declare_queue(result["ceilings"]["broker"]["queue_name"], passive=True)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(store_url)
    try:
        names = await client.list_database_names()
    finally:
        await client.close()
    database = result["config"]["namespace"].replace(".", "_")
    assert database not in names
    assert not [name for name in names if name.startswith(f"{database}_ceiling")]


async def test_growth_seeds_exact_counts_and_compares_reads(store_url: str, tmp_path: Path) -> None:
    opts = GrowthOptions(
        orders=60, skus=20, suppliers=3, merchants=4, baseline=20, batch=25, parallel=2, reads=5,
        results=str(tmp_path),
    )  # fmt: skip
    result = await run_growth(opts)

    shape = Shape(opts.skus, opts.suppliers, opts.merchants)
    sub_orders = sum(len(order_docs(i, shape)[1]) for i in range(opts.orders))
    assert result["stored"] == {"orders": 60, "sub_orders": sub_orders, "skus": 20}
    assert set(result["reads"]) == {"order read", "supplier pull"}
    for measure in result["reads"].values():
        assert measure["p99_ratio"] == round(measure["grown_ms"]["p99"] / measure["empty_ms"]["p99"], 2)
    assert [g["status"] in {"PASS", "FAIL"} for g in result["goals"]] == [True, True]
    for phase, stored in (("empty", opts.baseline), ("grown", opts.orders)):
        pages = _routed_page_sizes(range(stored), shape)
        assert min(pages) <= result["pull_page_items"][phase] <= max(pages)
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(store_url)
    try:
        assert not [n for n in await client.list_database_names() if n.startswith("juhe_bench_growth_")]
    finally:
        await client.close()


def _routed_page_sizes(orders: range, shape: Shape) -> list[int]:
    """Each supplier's first page of routed sub-orders among these orders: its size."""
    routed = Counter(
        sub["supplier_id"] for i in orders for sub in order_docs(i, shape)[1] if sub["status"] == "routed"
    )
    return [min(50, routed[supplier_id(n)]) for n in range(shape.suppliers)]
