"""The sales worker: planned, not yet built (see the issue tracker)."""
