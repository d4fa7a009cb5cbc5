"""Catalog's rules for its messages, one module per capability; `ports` says what they need."""
