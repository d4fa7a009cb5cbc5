"""Settlement's subscriptions: shipments and returns from the order area, the operator's
adjustments and statement moves, and the periodic issue of statements whose hold is over."""

from __future__ import annotations

from juhe.messaging.consumer import consume, respond
from juhe.runtime import Runtime
from schemas.events import ReturnReceived, SubOrderShipped
from schemas.settlement import AdjustSettlement, ChangeStatement
from workers.order.queries import OrderQueries
from workers.settlement.handlers import accruals, statements
from workers.settlement.model import Terms
from workers.settlement.repository import MongoSettlementRepository, ensure_indexes

WORKER = "settlement"


def terms_of(runtime: Runtime) -> Terms:
    settings = runtime.settings
    return Terms.of_days(settings.settlement_period_days, settings.settlement_hold_days)


def register(runtime: Runtime) -> None:
    def repo() -> MongoSettlementRepository:
        return MongoSettlementRepository(runtime.store.db)

    def deps() -> accruals.SettlementDeps:
        return accruals.SettlementDeps(repo(), OrderQueries(runtime.store.db), terms_of(runtime))

    consume(runtime, WORKER, SubOrderShipped, lambda m: accruals.on_sub_order_shipped(m, deps=deps()))
    consume(runtime, WORKER, ReturnReceived, lambda m: accruals.on_return_received(m, deps=deps()))
    consume(runtime, WORKER, AdjustSettlement, lambda m: accruals.adjust(m, deps=deps()))
    respond(runtime, WORKER, ChangeStatement, lambda m: statements.change_statement(m, repo=repo()))
    runtime.periodic.add(
        "settlement.issue_due",
        runtime.settings.purge_every_seconds,
        lambda: statements.issue_due(repo(), terms_of(runtime)),
    )


async def prepare(runtime: Runtime) -> None:
    await ensure_indexes(runtime.store.db)
