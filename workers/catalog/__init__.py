"""Products, SKUs with tier prices, review and listing."""
