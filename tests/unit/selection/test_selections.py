"""Selection rules on the in-memory twin: select, reprice, remove, and follow the product."""

from __future__ import annotations

import pytest

from schemas.events import SkuSelected
from schemas.selection import ChangeSelectionPrice, PushListing, RemoveSelection
from tests.unit.selection.support import World, select
from workers.selection.handlers.selections import change_price, remove_selection, select_sku


@pytest.fixture
def world() -> World:
    return World()


def _reprice(price: int) -> ChangeSelectionPrice:
    return ChangeSelectionPrice(
        correlation_id="sel_1", selection_id="sel_1", merchant_id="mer_1", retail_price=price
    )


REMOVE = RemoveSelection(correlation_id="sel_1", selection_id="sel_1", merchant_id="mer_1")


async def test_selecting_lists_the_sku_and_pushes_revision_one(world: World) -> None:
    body, out = await select_sku(select(), repo=world.repo, reads=world.reads)

    assert {
        k: body[k] for k in ("id", "status", "retail_price", "revision", "synced_revision", "pushes")
    } == {
        "id": "sel_1",
        "status": "listed",
        "retail_price": 2990,
        "revision": 1,
        "synced_revision": 0,
        "pushes": [],
    }
    assert [(type(m), m.revision) for m in out if isinstance(m, PushListing)] == [(PushListing, 1)]
    assert [(m.correlation_id, m.sku) for m in out if isinstance(m, SkuSelected)] == [("sel_1", "SKU-A")]
    assert len(out) == 2
    again, _ = await select_sku(select(), repo=world.repo, reads=world.reads)  # a retried request
    assert again == body


async def test_refusals_store_no_selection(world: World) -> None:
    foreign, _ = await select_sku(select(merchant_id="mer_2"), repo=world.repo, reads=world.reads)
    unknown, _ = await select_sku(select(sku="SKU-Z"), repo=world.repo, reads=world.reads)
    world.catalog.status = "delisted"
    unlisted, _ = await select_sku(select(), repo=world.repo, reads=world.reads)

    assert foreign["error"] == {"code": "not_found", "message": "shop not found"}
    assert unknown["error"] == {"code": "not_found", "message": "sku not found"}
    assert unlisted["error"] == {"code": "conflict", "message": "sku 'SKU-A' is not on a listed product"}
    assert world.repo.selections == {}


async def test_another_price_is_a_conflict_and_a_patch_starts_a_new_revision(world: World) -> None:
    await select_sku(select(), repo=world.repo, reads=world.reads)

    other, _ = await select_sku(select(price=3190), repo=world.repo, reads=world.reads)
    patched, out = await change_price(_reprice(3190), repo=world.repo)
    same, _ = await change_price(_reprice(3190), repo=world.repo)  # a redelivery

    assert other["error"]["code"] == "conflict"
    assert (patched["retail_price"], patched["revision"]) == (3190, 2)
    assert [m.revision for m in out if isinstance(m, PushListing)] == [2]
    assert same["revision"] == 2


async def test_a_removed_selection_stays_off_through_a_relist_until_selected_again(world: World) -> None:
    await select_sku(select(), repo=world.repo, reads=world.reads)

    removed, _ = await remove_selection(REMOVE, repo=world.repo)
    again, _ = await remove_selection(REMOVE, repo=world.repo)
    repriced, _ = await change_price(_reprice(3190), repo=world.repo)

    assert (removed["status"], removed["delisted_reason"], removed["revision"]) == (
        "delisted",
        "removed_by_merchant",
        2,
    )
    assert again["revision"] == 2  # removing it again is no new revision
    assert repriced["error"]["code"] == "conflict"
    back, _ = await select_sku(select(price=1990), repo=world.repo, reads=world.reads)
    assert (back["status"], back["retail_price"], back["delisted_reason"], back["revision"]) == (
        "listed",
        1990,
        None,
        3,
    )
