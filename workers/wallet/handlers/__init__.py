"""The wallet area's rules, one module per capability; the storage port is in `ports`.

No storage, broker or web import reaches here: the subscribers pass the Mongo repository in,
and unit tests its in-memory twin, `workers.wallet.memory`.
"""
