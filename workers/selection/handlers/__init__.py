"""Selection's rules: the merchant's requests (`selections`) and the pushes to shops (`shop_sync`)."""
