"""Juhe workers: each owns its collections and consumes its own queues."""
