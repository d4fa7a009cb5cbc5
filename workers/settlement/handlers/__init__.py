"""The settlement area's rules, one module per capability; the ports they need are in `ports`.

No storage, broker or web import reaches here: the subscribers pass the Mongo repository and
order's queries in, and unit tests the in-memory twins (`workers.settlement.memory`).
"""
