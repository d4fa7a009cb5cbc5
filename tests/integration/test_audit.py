"""The audit finds a broken invariant (so a clean audit at session end means something)."""

from __future__ import annotations

from tests.support.api import Api
from tests.support.flows import scene
from tests.support.system import System
from workers.audit import audit


async def test_audit_reports_reserved_that_no_hold_explains(system: System, api: Api) -> None:
    s = await scene(api, stock=5, funds=0)
    stock = system.db["stock"]
    await stock.update_one({"_id": s.sku}, {"$inc": {"reserved": 2, "available": -2}})
    try:
        assert f"stock {s.sku}: reserved 2 != open holds 0" in await audit(system.db)
    finally:
        await stock.update_one({"_id": s.sku}, {"$inc": {"reserved": -2, "available": 2}})
    assert [p for p in await audit(system.db) if s.sku in p] == []
