"""The order area's after-sale on its in-memory twins: refunds, returns, and their messages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from juhe.outgoing import Outgoing
from schemas.after_sale import (
    ApproveDamaged,
    GrantRefundOnly,
    ReceivedLine,
    ReceiveReturn,
    RejectReturn,
    RequestRefund,
    ReturnShippedBack,
)
from schemas.common import StockLine
from tests.unit.order.world import World
from workers.order.handlers import refunds, returns
from workers.order.handlers.refunds_credit import RefundDeps
from workers.order.memory import MemoryRefunds
from workers.order.model.refunds import Refund
from workers.order.model.refunds_ledger import RefundLedger
from workers.order.model.returns import Return

T = TypeVar("T")


@dataclass
class AfterSale:
    world: World = field(default_factory=World)

    def __post_init__(self) -> None:
        self.store = MemoryRefunds(self.world.orders)

    @property
    def deps(self) -> RefundDeps:
        return RefundDeps(self.world.orders, self.store, self.world.accounts)

    async def refund(
        self, key: str, refund_id: str, *lines: tuple[str, int], source: str = "merchant"
    ) -> list[Outgoing]:
        cmd = RequestRefund(
            correlation_id=key,
            refund_key=f"{source}:{refund_id}",
            refund_id=refund_id,
            order_key=key,
            merchant_id="m1",
            source=source,  # type: ignore[arg-type]
            reason="不想要了",
            lines=[StockLine(sku=sku, qty=qty) for sku, qty in lines] or None,
        )
        return await refunds.request_refund(cmd, deps=self.deps)

    def stored(self, refund_id: str, source: str = "merchant") -> Refund:
        return self.store.refunds[f"{source}:{refund_id}"]

    def ledger(self, key: str) -> RefundLedger:
        return self.store.ledgers[key]

    def returns_of(self, refund_id: str, source: str = "merchant") -> list[Return]:
        return [r for r in self.store.returns.values() if r.refund_key == f"{source}:{refund_id}"]

    async def ship_back(self, return_id: str) -> list[Outgoing]:
        cmd = ReturnShippedBack(correlation_id=return_id, return_id=return_id, carrier="SF", tracking_no="R1")
        return await returns.ship_back(cmd, deps=self.deps)

    async def receive(self, ret: Return, *lines: tuple[str, int, int]) -> list[Outgoing]:
        cmd = ReceiveReturn(
            correlation_id=ret.id,
            return_id=ret.id,
            supplier_id=ret.supplier_id,
            lines=[ReceivedLine(sku=sku, received=got, damaged=bad) for sku, got, bad in lines],
        )
        return await returns.receive(cmd, deps=self.deps)

    async def approve(self, return_id: str) -> list[Outgoing]:
        return await returns.approve_damaged(
            ApproveDamaged(correlation_id=return_id, return_id=return_id), deps=self.deps
        )

    async def reject(self, return_id: str) -> list[Outgoing]:
        cmd = RejectReturn(correlation_id=return_id, return_id=return_id, reason="used")
        return await returns.reject(cmd, deps=self.deps)

    async def refund_only(self, return_id: str) -> list[Outgoing]:
        cmd = GrantRefundOnly(correlation_id=return_id, return_id=return_id, reason="lost by carrier")
        return await returns.refund_only(cmd, deps=self.deps)


def named(out: list[Outgoing]) -> list[str]:
    return [type(message).__name__ for message in out]


def of_type(out: list[Outgoing], kind: type[T]) -> list[T]:
    return [message for message in out if isinstance(message, kind)]


class Crash(Exception):
    """The process died here."""


def crash_once(write: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    """`write` that dies on its first call, as a crash between two writes would."""
    calls = 0

    async def crashing(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise Crash
        return await write(*args)

    return crashing
