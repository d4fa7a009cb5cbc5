"""The collections the order area owns (written by this package, read by `queries`)."""

ORDERS = "orders"
SUB_ORDERS = "sub_orders"
RAW_PAYLOADS = "raw_payloads"
PLATFORM_MESSAGES = "platform_messages"
REFUND_REQUESTS = "refund_requests"
#: Tracking checkpoints, one document per scan (the sub-order keeps only its summary).
TRACKING_CHECKPOINTS = "tracking_checkpoints"
REFUNDS = "refunds"
RETURNS = "returns"
REFUND_LEDGERS = "refund_ledgers"
