"""The order area's rules, one module per capability; the ports they need are in `ports`.

No storage, broker or web import reaches here: the subscribers pass the real ports in, and
unit tests the in-memory twins of `workers.order.memory`.
"""
