"""Inventory: supplier stock, reservations per order, commits on shipment."""
