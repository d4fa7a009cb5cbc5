"""Supplier and merchant accounts, merchant tiers, and shops on the platforms."""
