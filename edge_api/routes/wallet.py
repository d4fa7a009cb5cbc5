"""Merchant funds: top-ups and adjustments, the wallet settings, the balance and the statement
(paged JSON, or the same rows streamed as CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import AnyHttpUrl, AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from edge_api.auth import Caller
from edge_api.deps import Edge, Operator, OperatorOrMerchant
from edge_api.errors import not_found
from edge_api.openapi import errors
from edge_api.pagination import Cursor, Limit
from edge_api.targets import check_url
from juhe.settings import new_secret
from schemas.commands import CreditWallet
from schemas.common import MAX_FEN, Fen, ShortText
from schemas.wallet import (
    AdjustmentAmount,
    AdjustWallet,
    ChangeWalletSettings,
    Reference,
    SignedFen,
    WalletSettings,
)
from workers.accounts.queries import AccountsQueries
from workers.order.queries import OrderQueries
from workers.wallet.model import TOP_UP, Kind
from workers.wallet.queries import (
    STREAM_BATCH,
    LedgerLine,
    Statement,
    StatementFilter,
    WalletQueries,
    WalletView,
)

router = APIRouter(prefix="/v1/merchants/{merchant_id}/wallet", tags=["wallet"])
CSV_COLUMNS = ("seq", "at", "kind", "reference", "amount", "balance_after", "reason")


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TopUpIn(Body):
    amount: StrictInt = Field(gt=0, le=MAX_FEN)
    reference: Reference


class AdjustmentIn(Body):
    amount: AdjustmentAmount
    reference: Reference
    reason: ShortText


class SettingsIn(Body):
    """Replaces the settings: what is left out goes back to its default (no limit, no alert)."""

    credit_limit: Fen = 0
    low_balance_threshold: SignedFen | None = None
    notify_url: AnyHttpUrl | None = None


class TopUpAccepted(BaseModel):
    """The credit is queued; the wallet shows it once applied, once per reference."""

    merchant_id: str
    reference: str


class AdjustmentAccepted(TopUpAccepted):
    """The adjustment is queued; the wallet shows it once applied, once per reference."""


async def merchant_known(edge: Edge, merchant_id: str) -> None:
    if await AccountsQueries(edge.db).merchant_tier(merchant_id) is None:
        raise not_found("merchant")


async def visible_merchant(edge: Edge, merchant_id: str, caller: Caller) -> None:
    """The operator sees every wallet, a merchant only its own; anything else is not found."""
    if not caller.is_operator and caller.id != merchant_id:
        raise not_found("merchant")
    await merchant_known(edge, merchant_id)


@router.post("/top-ups", status_code=202, responses=errors(404, 503))
async def top_up(merchant_id: str, body: TopUpIn, edge: Edge, _: Operator) -> TopUpAccepted:
    await merchant_known(edge, merchant_id)
    await edge.publish(
        CreditWallet(
            correlation_id=merchant_id,
            merchant_id=merchant_id,
            amount=body.amount,
            kind=TOP_UP,
            reference=body.reference,
        )
    )
    return TopUpAccepted(merchant_id=merchant_id, reference=body.reference)


@router.post("/adjustments", status_code=202, responses=errors(404, 503))
async def adjust(merchant_id: str, body: AdjustmentIn, edge: Edge, _: Operator) -> AdjustmentAccepted:
    """Either sign; one taking the balance below minus the credit limit is refused (event
    `wallet.adjustment_refused`, nothing written)."""
    await merchant_known(edge, merchant_id)
    command = AdjustWallet(correlation_id=merchant_id, merchant_id=merchant_id, **body.model_dump())
    await edge.publish(command)
    return AdjustmentAccepted(merchant_id=merchant_id, reference=body.reference)


@router.put("/settings", responses=errors(404, 409, 503))
async def change_settings(merchant_id: str, body: SettingsIn, edge: Edge, _: Operator) -> WalletSettings:
    """409 when the balance is already below minus the new limit. A new notify_url gets a new
    `notify_secret`, shown in this answer only; it signs the low-balance pushes."""
    await merchant_known(edge, merchant_id)
    await check_url(edge, body.notify_url, "notify_url")
    command = ChangeWalletSettings(
        correlation_id=merchant_id,
        merchant_id=merchant_id,
        credit_limit=body.credit_limit,
        low_balance_threshold=body.low_balance_threshold,
        notify_url=None if body.notify_url is None else str(body.notify_url),
        proposed_secret=new_secret("ntsec"),
    )
    return WalletSettings.model_validate(await edge.ask(command))


@router.get("", responses=errors(404))
async def wallet(merchant_id: str, edge: Edge, caller: OperatorOrMerchant) -> WalletView:
    await visible_merchant(edge, merchant_id, caller)
    view = await WalletQueries(edge.db).wallet(merchant_id)
    return view.model_copy(update={"pending": await OrderQueries(edge.db).pending_funds(merchant_id)})


Since = Annotated[AwareDatetime | None, Query(alias="from", description="inclusive")]
Until = Annotated[AwareDatetime | None, Query(alias="to", description="exclusive")]


async def statement_filter(
    merchant_id: str,
    edge: Edge,
    caller: OperatorOrMerchant,
    start: Since = None,
    end: Until = None,
    kind: Kind | None = None,
) -> StatementFilter:
    """The entries a statement shows, of a merchant the caller may see (else 404)."""
    await visible_merchant(edge, merchant_id, caller)
    return StatementFilter(merchant_id, start, end, kind)


Entries = Annotated[StatementFilter, Depends(statement_filter)]


@router.get("/entries", responses=errors(404))
async def statement(where: Entries, edge: Edge, limit: Limit = 50, cursor: Cursor = None) -> Statement:
    """Oldest first; opening + the entries of every kind = closing."""
    return await WalletQueries(edge.db).statement(where, limit=limit, cursor=cursor)


@router.get(
    "/entries.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **errors(404)},
)
async def statement_csv(where: Entries, edge: Edge) -> StreamingResponse:
    """The rows of `GET .../entries` with the same filter, all pages, streamed in batches."""
    return StreamingResponse(csv_text(WalletQueries(edge.db).statement_lines(where)), media_type="text/csv")


async def csv_text(lines: AsyncIterator[LedgerLine]) -> AsyncIterator[str]:
    """A header, then a chunk of rows per batch read: memory stays one batch whatever the size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    async for line in lines:
        shown = line.model_dump(mode="json")
        writer.writerow(["" if shown[c] is None else shown[c] for c in CSV_COLUMNS])
        count += 1
        if count % STREAM_BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
