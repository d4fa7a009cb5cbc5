"""Intake: the raw push archived first, linked once; platform message ids remembered; refund
requests kept pending and logged once on their order."""

from __future__ import annotations

from schemas.after_sale import RequestRefund
from schemas.commands import RecordRefundRequest
from schemas.common import RawPayload, StockLine
from schemas.envelope import utcnow
from tests.unit.order.world import RECEIVED_AT, RETENTION, World, order_key, place_order
from workers.order.handlers.intake import place_order as handle_place_order
from workers.order.handlers.intake import record_refund_request


def refund(order_id: str, refund_id: str, body: str = '{"refund":1}') -> RecordRefundRequest:
    raw = RawPayload(platform="generic", received_at=RECEIVED_AT, headers={}, body=body)
    return RecordRefundRequest(
        correlation_id=order_key(order_id),
        refund_key=f"generic:shop1:{refund_id}",
        platform="generic",
        shop_id="shop1",
        merchant_id="m1",
        refund_id=refund_id,
        order_key=order_key(order_id),
        reason="不想要了",
        lines=[StockLine(sku="A1", qty=1)],
        received_at=RECEIVED_AT,
        raw_payload=raw,
        platform_message_id=f"msg-{refund_id}",
    )


async def test_the_raw_push_is_archived_with_its_expiry_and_linked_from_the_order() -> None:
    w = World()
    cmd = place_order("P1", ("A1", 1))
    before = utcnow()
    await handle_place_order(cmd, deps=w.intake)
    assert cmd.raw_payload is not None
    stored = w.archive.payloads[cmd.raw_payload.id]
    assert (stored.platform, stored.body, stored.headers) == ("generic", '{"id":"P1"}', {"x-test": "1"})
    assert before + RETENTION <= stored.expires_at <= utcnow() + RETENTION
    assert w.order(order_key("P1")).payload_ids == [cmd.raw_payload.id]


async def test_a_second_push_of_the_same_order_links_its_own_payload_once() -> None:
    w = World()
    first = place_order("P1", ("A1", 1))
    assert first.raw_payload is not None
    raw = first.raw_payload.model_copy(update={"body": '{"id":"P1","again":true}'})
    second = first.model_copy(update={"raw_payload": raw})
    for cmd in (first, second, second):
        await handle_place_order(cmd, deps=w.intake)
    assert w.order(order_key("P1")).payload_ids == [first.raw_payload.id, raw.id]
    assert len(w.archive.payloads) == 2


async def test_a_platform_message_id_is_remembered_with_the_key_it_carried() -> None:
    w = World()
    cmd = place_order("P1", ("A1", 1)).model_copy(update={"platform_message_id": "msg-9"})
    await handle_place_order(cmd, deps=w.intake)
    message = w.archive.messages["generic:msg-9"]
    assert message.key == order_key("P1")


async def test_a_refund_request_is_kept_logged_on_its_order_once_and_refunded() -> None:
    w = World()
    await w.place("P1", ("A1", 1))
    cmd = refund("P1", "R1")
    [first] = await record_refund_request(cmd, deps=w.intake)
    [again] = await record_refund_request(cmd, deps=w.intake)
    assert isinstance(first, RequestRefund)
    assert first.message_id == again.message_id
    assert (first.refund_key, first.source, first.lines) == ("generic:shop1:R1", "platform", cmd.lines)
    request = w.archive.refund_requests["generic:shop1:R1"]
    assert cmd.raw_payload is not None
    assert (request.status, request.order_key, request.reason) == ("pending", order_key("P1"), "不想要了")
    assert request.lines == [StockLine(sku="A1", qty=1)]
    assert request.payload_ids == [cmd.raw_payload.id]
    order = w.order(order_key("P1"))
    assert w.log(order.key) == ["received", "refund_requested"]
    assert order.events[-1].data == {
        "refund_key": "generic:shop1:R1",
        "refund_id": "R1",
        "reason": "不想要了",
    }
    assert order.payload_ids[-1] == cmd.raw_payload.id
    assert len(order.payload_ids) == 2
    assert "generic:msg-R1" in w.archive.messages


async def test_a_refund_request_for_an_unknown_order_is_kept_but_logs_nowhere() -> None:
    w = World()
    await record_refund_request(refund("GHOST", "R2"), deps=w.intake)
    assert list(w.archive.refund_requests) == ["generic:shop1:R2"]
    assert w.orders.orders == {}
