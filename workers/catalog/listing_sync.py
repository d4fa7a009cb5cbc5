"""Listing sync: push selections and their available stock to the merchants' shops.

Listing pushes send the selection's CURRENT state (upsert or delist) for one revision. Stock
pushes are coalesced per selection (one shop + SKU): the first change in a window wins a
conditional update and schedules one delayed push; when it runs it closes the window first,
then reads the current available figure, so a burst of changes yields one push with the latest
number. Both go through the shared retry engine (`juhe.outbound.send`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog

from juhe.outbound import Poster, Recorder, send, shop_request
from juhe.outgoing import DeadLetterError, Later, Outgoing
from schemas import routing
from schemas.envelope import utcnow
from schemas.events import ProductStatusChanged, StockChanged
from schemas.selection import PushListing, PushStock
from workers.catalog.selection import LISTED, Doc, SelectionRepository, follow_product, push_of

_log = structlog.get_logger("catalog.listing_sync")

#: The coalescing window: a delay queue that already exists (the first backoff step, 5 s).
STOCK_WINDOW_SECONDS = routing.BACKOFF_SECONDS[0]
#: A listing push holds its revision this long past its next attempt, so a duplicate of the
#: same push (at-least-once) does not send twice; a push that died is taken over after it.
LEASE = timedelta(seconds=30)
RECHECK_SECONDS = routing.BACKOFF_SECONDS[2]  # 120 s: longer than the lease


@dataclass(frozen=True)
class SyncDeps:
    repo: SelectionRepository
    post: Poster
    give_up_after: timedelta


async def push_listing(cmd: PushListing, *, deps: SyncDeps) -> list[Outgoing]:
    sel = await deps.repo.get(cmd.selection_id)
    if sel is None:
        raise DeadLetterError(f"no selection {cmd.selection_id}")
    if sel["revision"] != cmd.revision or sel.get("delivered_revision", 0) >= cmd.revision:
        _log.info("listing.push_skipped", why="superseded or already delivered", revision=cmd.revision)
        return []
    now = utcnow()
    if cmd.attempt == 1 and not await deps.repo.lease_push(sel["_id"], cmd.revision, now, now + LEASE):
        # Another push of this revision holds the lease: look once more after it would have run out.
        _log.info("listing.push_deferred", why="another push holds the lease", recheck=cmd.recheck)
        return [] if cmd.recheck else [Later(cmd.model_copy(update={"recheck": True}), RECHECK_SECONDS)]
    kind, body = await _listing_event(deps.repo, sel)
    shop = await deps.repo.shop(sel["platform"], sel["shop_id"])
    request = None if shop is None else shop_request(kind, body, shop)
    if request is None:
        _log.info("listing.push_skipped", why="shop takes no pushes")
        return []
    record = _recorder(deps.repo, sel["_id"], kind, revision=cmd.revision)
    out = await send(cmd, request, post=deps.post, give_up_after=deps.give_up_after, record=record, done=kind)
    for retry in out:  # still ours while we retry: hold the lease past the next attempt
        if isinstance(retry, Later):
            await deps.repo.renew_push_lease(sel["_id"], utcnow() + timedelta(seconds=retry.seconds) + LEASE)
    return out


async def _listing_event(repo: SelectionRepository, sel: Doc) -> tuple[str, dict[str, Any]]:
    if sel["status"] != LISTED:
        delist = {"selection_id": sel["_id"], "sku": sel["sku"], "reason": sel.get("delisted_reason")}
        return "listing.delist", delist
    sku = await repo.sku(sel["sku"]) or {}
    product = await repo.product(sel["product_id"]) or {}
    return "listing.upsert", {
        "selection_id": sel["_id"],
        "sku": sel["sku"],
        "product_id": sel["product_id"],
        "name": product.get("name"),
        "specs": sku.get("specs", {}),
        "retail_price": sel["retail_price"],
        "available": await repo.available(sel["sku"]),
    }


async def push_stock(cmd: PushStock, *, deps: SyncDeps) -> list[Outgoing]:
    """Close the window (first attempt only), then send the figure as it is NOW."""
    if cmd.attempt == 1:
        sel = await deps.repo.close_stock_window(cmd.selection_id, cmd.token)
    else:
        sel = await deps.repo.get(cmd.selection_id)
    if sel is None or sel["status"] != LISTED:
        _log.info("stock.push_skipped", why="window closed by another push, or delisted")
        return []
    shop = await deps.repo.shop(sel["platform"], sel["shop_id"])
    available = await deps.repo.available(sel["sku"])
    request = (
        None if shop is None else shop_request("stock", {"sku": sel["sku"], "available": available}, shop)
    )
    if request is None:
        return []
    record = _recorder(deps.repo, sel["_id"], "stock", available=available)
    return await send(
        cmd, request, post=deps.post, give_up_after=deps.give_up_after, record=record, done="stock"
    )


def _recorder(repo: SelectionRepository, selection_id: str, kind: str, **data: Any) -> Recorder:
    """Outcomes go to the selection's own delivery log; success of a listing marks its revision."""

    async def record(outcome: str, outcome_data: dict[str, Any]) -> None:
        entry = {"type": outcome, "at": utcnow(), **data, **outcome_data}
        revision = data.get("revision") if outcome == kind else None
        await repo.log(selection_id, entry, delivered_revision=revision)

    return record


async def on_stock_changed(event: StockChanged, *, repo: SelectionRepository) -> list[Outgoing]:
    """Open a window per listed selection of these SKUs; only its opener schedules the push."""
    token = event.message_id
    out: list[Outgoing] = []
    for sel in await repo.listed_for_skus(sorted(set(event.skus))):
        # A redelivery finds its own token still pending: schedule again (the push runs once).
        if sel.get("stock_push_pending") == token or await repo.open_stock_window(sel["_id"], token):
            push = PushStock(correlation_id=sel["_id"], selection_id=sel["_id"], token=token)
            out.append(Later(push, STOCK_WINDOW_SECONDS))
    return out


async def on_product_status_changed(
    event: ProductStatusChanged, *, repo: SelectionRepository
) -> list[Outgoing]:
    """Follow the product's CURRENT status (events may arrive out of order), then push what moved."""
    product = await repo.product(event.product_id)
    status = "deleted" if product is None else str(product["status"])
    out: list[Outgoing] = []
    for sel in await repo.by_product(event.product_id):
        sel = await follow_product(repo, sel, status)
        if sel.get("delivered_revision", 0) < sel["revision"]:
            out.append(push_of(sel))
    return out
