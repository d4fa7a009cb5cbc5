"""The coupon worker: planned, not yet built (see the issue tracker)."""
