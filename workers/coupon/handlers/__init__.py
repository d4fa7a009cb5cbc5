"""The coupon area's rules, one module per capability; the ports are in `ports`.

No storage, broker or web import reaches here: the subscribers pass the Mongo repository in,
and unit tests its in-memory twin, `workers.coupon.memory`.
"""
