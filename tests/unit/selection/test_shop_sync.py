"""Pushes to the shop on the in-memory twin: a revision is pushed once (lease), stock pushes are
coalesced (one window, the latest figure), selections follow their product."""

from __future__ import annotations

import pytest

from juhe.outgoing import Later
from schemas.envelope import utcnow
from schemas.events import ProductStatusChanged, SkuSelected, StockChanged
from schemas.selection import PushListing, PushStock, RemoveSelection
from tests.unit.selection.support import World, select
from workers.selection.handlers.selections import remove_selection, select_sku
from workers.selection.handlers.shop_sync import (
    LEASE,
    on_product_status_changed,
    on_stock_changed,
    push_listing,
    push_stock,
)


@pytest.fixture
async def world() -> World:
    """SKU-A selected for shop-1 at 2990 (revision 1, not pushed yet)."""
    given = World()
    await select_sku(select(), repo=given.repo, reads=given.reads)
    return given


PUSH = PushListing(correlation_id="sel_1", selection_id="sel_1", revision=1)


def _changed(cause: str) -> StockChanged:
    return StockChanged(correlation_id=cause, skus=["SKU-A"], cause=cause)


async def test_a_revision_is_pushed_once_and_a_duplicate_only_looks_again_later(world: World) -> None:
    assert await push_listing(PUSH, deps=world.deps) == []
    duplicate = await push_listing(PUSH, deps=world.deps)

    assert world.endpoint.bodies == [
        {
            "type": "listing.upsert",
            "selection_id": "sel_1",
            "sku": "SKU-A",
            "product_id": "prd_1",
            "name": "保温杯",
            "specs": {"颜色": "红"},
            "retail_price": 2990,
            "available": 7,
        }
    ]
    assert world.repo.selections["sel_1"].delivered_revision == 1
    assert duplicate == []  # already delivered: nothing to look at again
    assert [(e.type, e.revision, e.attempts) for e in world.repo.selections["sel_1"].deliveries] == [
        ("listing.upsert", 1, 1)
    ]


async def test_the_lease_is_exclusive_until_it_runs_out(world: World) -> None:
    now = utcnow()
    assert await world.repo.lease_push("sel_1", 1, now, now + LEASE) is True

    deferred = await push_listing(PUSH, deps=world.deps)  # another copy of the same push
    assert [(type(m.message), m.seconds, m.message.recheck) for m in deferred if isinstance(m, Later)] == [
        (PushListing, 120, True)
    ]
    assert world.endpoint.bodies == []
    assert await world.repo.lease_push("sel_1", 1, now + LEASE, now + 2 * LEASE) is True  # ran out
    assert await world.repo.lease_push("sel_1", 1, now + LEASE, now + 2 * LEASE) is False


async def test_a_burst_of_stock_changes_opens_one_window_and_pushes_the_latest_figure(world: World) -> None:
    first = await on_stock_changed(_changed("reserve:1"), repo=world.repo)
    second = await on_stock_changed(_changed("reserve:2"), repo=world.repo)
    redelivered = await on_stock_changed(_changed("reserve:1"), repo=world.repo)

    assert [(type(m.message), m.seconds) for m in first if isinstance(m, Later)] == [(PushStock, 5)]
    assert second == []  # rides on the first window's push
    assert [m.message.message_id for m in redelivered if isinstance(m, Later)] == [
        m.message.message_id for m in first if isinstance(m, Later)
    ]
    [scheduled] = [m.message for m in first if isinstance(m, Later)]
    world.stock.available = 3
    assert isinstance(scheduled, PushStock)
    await push_stock(scheduled, deps=world.deps)
    assert world.endpoint.bodies == [{"type": "stock", "sku": "SKU-A", "available": 3}]
    assert world.repo.selections["sel_1"].stock_push_pending is None
    assert len(await on_stock_changed(_changed("release:1"), repo=world.repo)) == 1  # a new window


async def test_a_first_count_of_a_listed_sku_announces_the_selection_again(world: World) -> None:
    """Selected before the supplier counted it: inventory had no record to mark until now."""
    first_count = StockChanged(
        correlation_id="s1", skus=["SKU-A", "SKU-Z"], cause="sync", created=["SKU-A", "SKU-Z"]
    )
    out = await on_stock_changed(first_count, repo=world.repo)
    assert [(m.correlation_id, m.sku) for m in out if isinstance(m, SkuSelected)] == [
        (first_count.message_id, "SKU-A")
    ]
    recount = StockChanged(correlation_id="s2", skus=["SKU-A"], cause="sync")
    assert [m for m in await on_stock_changed(recount, repo=world.repo) if isinstance(m, SkuSelected)] == []


async def test_a_delisted_selection_gets_no_stock_window(world: World) -> None:
    await remove_selection(
        RemoveSelection(correlation_id="s", selection_id="sel_1", merchant_id="mer_1"), repo=world.repo
    )
    assert await on_stock_changed(_changed("reserve:1"), repo=world.repo) == []


async def test_selections_follow_their_product_off_the_shelf_and_back(world: World) -> None:
    event = ProductStatusChanged(correlation_id="prd_1", product_id="prd_1", supplier_id="sup_1", status="x")
    world.catalog.status = "delisted"
    off = await on_product_status_changed(event, repo=world.repo, catalog=world.catalog)
    delisted = world.repo.selections["sel_1"]
    world.catalog.status = "listed"
    on = await on_product_status_changed(event, repo=world.repo, catalog=world.catalog)

    assert (delisted.status, delisted.delisted_reason) == ("delisted", "product_delisted")
    assert [(type(m), m.revision) for m in off if isinstance(m, PushListing)] == [(PushListing, 2)]
    assert [(type(m), m.revision) for m in on if isinstance(m, PushListing)] == [(PushListing, 3)]
    assert (len(off), len(on)) == (1, 1)
    assert world.repo.selections["sel_1"].status == "listed"
    world.catalog.status = None  # purged from the recycle bin
    await on_product_status_changed(event, repo=world.repo, catalog=world.catalog)
    assert world.repo.selections["sel_1"].delisted_reason == "product_deleted"
    assert world.endpoint.bodies == []  # the pushes are messages; nothing was posted here
