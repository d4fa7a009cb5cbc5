"""Selection rules: a merchant lists a SKU of a listed product on one of its shops.

Follow-ups are derived from the stored selection, so a redelivered request re-publishes the
same push (the push skips a revision the shop already acknowledged).
"""

from __future__ import annotations

from juhe.replies import Reply, ok, refuse
from schemas.envelope import utcnow
from schemas.events import SkuSelected
from schemas.selection import ChangeSelectionPrice, RemoveSelection, SelectSku
from workers.selection.handlers.ports import Reads, SelectionStore
from workers.selection.model import DELISTED, LISTED, Change, Expect, Selection, following


async def select_sku(cmd: SelectSku, *, repo: SelectionStore, reads: Reads) -> Reply:
    shop = await reads.shops.shop(cmd.platform, cmd.shop_id)
    if shop is None or shop.merchant_id != cmd.merchant_id:
        return refuse("not_found", "shop not found")
    sku = await reads.catalog.sku_listing(cmd.sku)
    if sku is None:
        return refuse("not_found", "sku not found")
    if sku.status != LISTED:
        return refuse("conflict", f"sku {cmd.sku!r} is not on a listed product")
    sel = await repo.insert_or_get(Selection.new(cmd, sku.product_id, utcnow()))
    if sel.status == DELISTED:  # selected before and taken off: select it again
        again = Change(status=LISTED, retail_price=cmd.retail_price)
        sel = await _change_or_reread(repo, sel.id, Expect(status=DELISTED, revision=sel.revision), again)
    elif sel.retail_price != cmd.retail_price:
        return refuse("conflict", "this SKU is already selected for the shop at another price; PATCH it")
    sel = await follow_product(repo, sel, await reads.catalog.product_status(sel.product_id))
    body, follow_ups = _answer(sel)
    if sel.status == LISTED:  # from now on inventory announces the SKU's stock changes
        follow_ups.append(SkuSelected(correlation_id=sel.id, sku=sel.sku))
    return body, follow_ups


async def change_price(cmd: ChangeSelectionPrice, *, repo: SelectionStore) -> Reply:
    expect = Expect(merchant_id=cmd.merchant_id, status=LISTED, price_other_than=cmd.retail_price)
    sel = await repo.change(
        cmd.selection_id, expect, Change(retail_price=cmd.retail_price, updated_at=utcnow()), bump=True
    )
    sel = sel or await repo.get(cmd.selection_id)
    if sel is None or sel.merchant_id != cmd.merchant_id:
        return refuse("not_found", "selection not found")
    if sel.status != LISTED:
        return refuse("conflict", "the selection is delisted; select the SKU again to list it")
    return _answer(sel)


async def remove_selection(cmd: RemoveSelection, *, repo: SelectionStore) -> Reply:
    removed = Change(status=DELISTED, delisted_reason="removed_by_merchant")
    listed = Expect(merchant_id=cmd.merchant_id, status=LISTED)
    sel = await repo.change(cmd.selection_id, listed, _stamped(removed), bump=True)
    if sel is None:  # already off the shop (e.g. for the product): keep it off on a relist
        delisted = Expect(merchant_id=cmd.merchant_id, status=DELISTED)
        sel = await repo.change(cmd.selection_id, delisted, removed, bump=False)
    if sel is None:
        return refuse("not_found", "selection not found")
    return _answer(sel)


async def follow_product(repo: SelectionStore, sel: Selection, product_status: str | None) -> Selection:
    """Delist a selection whose product left the shelf; bring back those it took off."""
    change = following(sel, product_status)
    if change is None:
        return sel
    return await _change_or_reread(repo, sel.id, Expect(status=sel.status, revision=sel.revision), change)


async def _change_or_reread(
    repo: SelectionStore, selection_id: str, expect: Expect, change: Change
) -> Selection:
    sel = await repo.change(selection_id, expect, _stamped(change), bump=True)
    sel = sel or await repo.get(selection_id)
    if sel is None:  # selections are never deleted
        raise RuntimeError(f"selection {selection_id} vanished")
    return sel


def _stamped(change: Change) -> Change:
    return Change(change.status, change.delisted_reason, change.retail_price, utcnow())


def _answer(sel: Selection) -> Reply:
    return ok(sel.view().model_dump(mode="json"), sel.push())
