"""In-memory twin of `MongoArchive`: each record kept once, links and log entries added once."""

from __future__ import annotations

from workers.order.memory.orders import MemoryOrders
from workers.order.model import ArchivedPayload, LogEntry, PlatformMessage, RefundRequest


class MemoryArchive:
    def __init__(self, orders: MemoryOrders) -> None:
        self._orders = orders
        self.payloads: dict[str, ArchivedPayload] = {}
        self.messages: dict[str, PlatformMessage] = {}
        self.refund_requests: dict[str, RefundRequest] = {}

    async def archive(self, payload: ArchivedPayload) -> None:
        self.payloads.setdefault(payload.id, payload)

    async def remember_message(self, message: PlatformMessage) -> None:
        self.messages.setdefault(message.id, message)

    async def add_refund_request(self, request: RefundRequest) -> None:
        self.refund_requests.setdefault(request.refund_key, request)

    async def link_order_payload(self, order_key: str, payload_id: str) -> None:
        order = self._orders.orders.get(order_key)
        if order is not None and payload_id not in order.payload_ids:
            linked = order.model_copy(update={"payload_ids": [*order.payload_ids, payload_id]})
            self._orders.orders[order_key] = linked

    async def link_refund_payload(self, refund_key: str, payload_id: str) -> None:
        request = self.refund_requests.get(refund_key)
        if request is not None and payload_id not in request.payload_ids:
            linked = request.model_copy(update={"payload_ids": [*request.payload_ids, payload_id]})
            self.refund_requests[refund_key] = linked

    async def log_refund_request(self, order_key: str, entry: LogEntry, refund_key: str) -> None:
        order = self._orders.orders.get(order_key)
        if order is None or any(
            e.type == entry.type and e.data.get("refund_key") == refund_key for e in order.events
        ):
            return
        self._orders.orders[order_key] = order.model_copy(update={"events": [*order.events, entry]})
