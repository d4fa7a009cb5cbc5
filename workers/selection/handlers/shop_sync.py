"""Shop sync: push selections and their available stock to the merchants' shops.

Listing pushes send the selection's CURRENT state (upsert or delist) for one revision. Stock
pushes are coalesced per selection (one shop + SKU): the first change in a window wins a
conditional update and schedules one delayed push; when it runs it closes the window first,
then reads the current available figure, so a burst of changes yields one push with the latest
number. Both go through the shared retry engine (`juhe.outbound.send`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import structlog

from juhe.outbound import Recorder, send, shop_request
from juhe.outgoing import DeadLetterError, Later, Outgoing
from schemas import routing
from schemas.envelope import utcnow
from schemas.events import ProductStatusChanged, SkuSelected, StockChanged
from schemas.selection import ListingDelist, ListingUpsert, PushListing, PushStock, StockFigure
from workers.selection.handlers.ports import Catalog, Reads, SelectionStore, SyncDeps
from workers.selection.handlers.selections import follow_product
from workers.selection.model import LISTED, PushLogEntry, Selection

_log = structlog.get_logger("selection.shop_sync")

#: The coalescing window: a delay queue that already exists (the first backoff step, 5 s).
STOCK_WINDOW_SECONDS = routing.BACKOFF_SECONDS[0]
#: A listing push holds its revision this long past its next attempt, so a duplicate of the
#: same push (at-least-once) does not send twice; a push that died is taken over after it.
LEASE = timedelta(seconds=30)
RECHECK_SECONDS = routing.BACKOFF_SECONDS[2]  # 120 s: longer than the lease


async def push_listing(cmd: PushListing, *, deps: SyncDeps) -> list[Outgoing]:
    sel = await deps.repo.get(cmd.selection_id)
    if sel is None:
        raise DeadLetterError(f"no selection {cmd.selection_id}")
    if sel.revision != cmd.revision or sel.delivered_revision >= cmd.revision:
        _log.info("listing.push_skipped", why="superseded or already delivered", revision=cmd.revision)
        return []
    now = utcnow()
    if cmd.attempt == 1 and not await deps.repo.lease_push(sel.id, cmd.revision, now, now + LEASE):
        # Another push of this revision holds the lease: look once more after it would have run out.
        _log.info("listing.push_deferred", why="another push holds the lease", recheck=cmd.recheck)
        return [] if cmd.recheck else [Later(cmd.model_copy(update={"recheck": True}), RECHECK_SECONDS)]
    kind, body = await _listing_event(deps.reads, sel)
    shop = await deps.reads.shops.shop(sel.platform, sel.shop_id)
    request = None if shop is None else shop_request(kind, body.model_dump(), shop.for_adapters())
    if request is None:
        _log.info("listing.push_skipped", why="shop takes no pushes")
        return []
    record = _recorder(deps.repo, sel.id, kind, revision=cmd.revision)
    out = await send(cmd, request, post=deps.post, give_up_after=deps.give_up_after, record=record, done=kind)
    for retry in out:  # still ours while we retry: hold the lease past the next attempt
        if isinstance(retry, Later):
            await deps.repo.renew_push_lease(sel.id, utcnow() + timedelta(seconds=retry.seconds) + LEASE)
    return out


async def _listing_event(reads: Reads, sel: Selection) -> tuple[str, ListingUpsert | ListingDelist]:
    if sel.status != LISTED:
        return "listing.delist", ListingDelist(selection_id=sel.id, sku=sel.sku, reason=sel.delisted_reason)
    sku = await reads.catalog.sku_listing(sel.sku)
    return "listing.upsert", ListingUpsert(
        selection_id=sel.id,
        sku=sel.sku,
        product_id=sel.product_id,
        name=None if sku is None else sku.name,
        specs={} if sku is None else sku.specs,
        retail_price=sel.retail_price,
        available=await reads.available(sel.sku),
    )


async def push_stock(cmd: PushStock, *, deps: SyncDeps) -> list[Outgoing]:
    """Close the window (first attempt only), then send the figure as it is NOW."""
    if cmd.attempt == 1:
        sel = await deps.repo.close_stock_window(cmd.selection_id, cmd.token)
    else:
        sel = await deps.repo.get(cmd.selection_id)
    if sel is None or sel.status != LISTED:
        _log.info("stock.push_skipped", why="window closed by another push, or delisted")
        return []
    shop = await deps.reads.shops.shop(sel.platform, sel.shop_id)
    available = await deps.reads.available(sel.sku)
    body = StockFigure(sku=sel.sku, available=available)
    request = None if shop is None else shop_request("stock", body.model_dump(), shop.for_adapters())
    if request is None:
        return []
    record = _recorder(deps.repo, sel.id, "stock", available=available)
    return await send(
        cmd, request, post=deps.post, give_up_after=deps.give_up_after, record=record, done="stock"
    )


def _recorder(
    repo: SelectionStore,
    selection_id: str,
    kind: str,
    *,
    revision: int | None = None,
    available: int | None = None,
) -> Recorder:
    """Outcomes go to the selection's own delivery log; success of a listing marks its revision."""

    async def record(outcome: str, outcome_data: dict[str, Any]) -> None:
        entry = PushLogEntry(
            type=outcome, at=utcnow(), revision=revision, available=available, **outcome_data
        )
        delivered = revision if outcome == kind else None
        await repo.log(selection_id, entry, delivered_revision=delivered)

    return record


async def on_stock_changed(event: StockChanged, *, repo: SelectionStore) -> list[Outgoing]:
    """Open a window per listed selection of these SKUs; only its opener schedules the push."""
    token = event.message_id
    out: list[Outgoing] = []
    listed = await repo.listed_for_skus(sorted(set(event.skus)))
    for sel in listed:
        # A redelivery finds its own token still pending: schedule again (the push runs once).
        if sel.stock_push_pending == token or await repo.open_stock_window(sel.id, token):
            push = PushStock(correlation_id=sel.id, selection_id=sel.id, token=token)
            out.append(Later(push, STOCK_WINDOW_SECONDS))
    # Selected before the supplier's first count: the stock record is new, and unmarked.
    newly_counted = sorted({sel.sku for sel in listed} & set(event.created))
    out += [SkuSelected(correlation_id=token, sku=sku) for sku in newly_counted]
    return out


async def on_product_status_changed(
    event: ProductStatusChanged, *, repo: SelectionStore, catalog: Catalog
) -> list[Outgoing]:
    """Follow the product's CURRENT status (events may arrive out of order), then push what moved."""
    status = await catalog.product_status(event.product_id)
    out: list[Outgoing] = []
    for sel in await repo.by_product(event.product_id):
        sel = await follow_product(repo, sel, status)
        if not sel.synced:
            out.append(sel.push())
    return out
