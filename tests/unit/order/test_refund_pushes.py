"""The cancellation push to a webhook supplier: signed, what is left and what was cancelled,
retried like every push, logged once per refund and sub-order."""

from __future__ import annotations

import json

import pytest

from juhe.outgoing import DeadLetterError, Later
from juhe.signing import verify
from schemas.after_sale import PushSubOrderCancellation
from tests.unit.order.after_sale import AfterSale, of_type
from tests.unit.order.test_deliveries import answering
from workers.order.handlers.refunds_cancel import CancellationPushDeps, push_cancellation


async def cancelled(a: AfterSale, *lines: tuple[str, int]) -> PushSubOrderCancellation:
    a.world.accounts.add_supplier("sup_a", webhook_url="http://erp.test/hook")
    key = await a.world.routed("P1", ("A1", 2))
    [push] = of_type(await a.refund(key, "R1", *lines), PushSubOrderCancellation)
    return push


def deps(a: AfterSale, status: int, calls: list[tuple[str, bytes]]) -> CancellationPushDeps:
    return CancellationPushDeps(a.world.deliveries(answering(status, calls)), a.store)


async def test_a_full_cancellation_is_pushed_signed_and_logged_once() -> None:
    a = AfterSale()
    cmd = await cancelled(a)
    calls: list[tuple[str, bytes]] = []
    assert await push_cancellation(cmd, deps=deps(a, 204, calls)) == []
    await push_cancellation(cmd, deps=deps(a, 204, calls))
    [(url, body), _] = calls
    assert url == "http://erp.test/hook"
    pushed = json.loads(body)
    assert (pushed["type"], pushed["status"], pushed["lines"]) == ("sub_order.cancelled", "cancelled", [])
    assert pushed["cancelled_lines"] == [{"sku": "A1", "qty": 2}]
    log = [e for e in a.world.order(cmd.order_key).events if e.type == "cancellation_pushed"]
    assert len(log) == 1


async def test_a_partial_cancellation_names_what_is_left() -> None:
    a = AfterSale()
    cmd = await cancelled(a, ("A1", 1))
    calls: list[tuple[str, bytes]] = []
    await push_cancellation(cmd, deps=deps(a, 200, calls))
    pushed = json.loads(calls[0][1])
    assert (pushed["type"], pushed["lines"]) == ("sub_order.lines_cancelled", [{"sku": "A1", "qty": 1}])


async def test_a_refused_push_is_retried_with_the_next_attempt() -> None:
    a = AfterSale()
    cmd = await cancelled(a)
    [retry] = await push_cancellation(cmd, deps=deps(a, 500, []))
    assert isinstance(retry, Later)
    assert isinstance(retry.message, PushSubOrderCancellation)
    assert (retry.message.attempt, retry.message.refund_key) == (2, cmd.refund_key)


async def test_a_push_signature_verifies_with_the_suppliers_secret() -> None:
    a = AfterSale()
    cmd = await cancelled(a)
    seen: list[dict[str, str]] = []

    async def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        seen.append(headers)
        assert verify(
            "secret-sup_a", headers["X-Juhe-Timestamp"], body, headers["X-Juhe-Signature"], skew=300
        )
        return 204

    await push_cancellation(cmd, deps=CancellationPushDeps(a.world.deliveries(post), a.store))
    [headers] = seen
    assert headers["X-Juhe-Shop"] == "sup_a"


async def test_no_cancellation_by_that_refund_is_dead_lettered() -> None:
    a = AfterSale()
    cmd = await cancelled(a)
    ghost = cmd.model_copy(update={"refund_key": "merchant:NOPE"})
    with pytest.raises(DeadLetterError):
        await push_cancellation(ghost, deps=deps(a, 204, []))
    assert [e.type for e in a.world.order(cmd.order_key).events if "pushed" in e.type] == []
