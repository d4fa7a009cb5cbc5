"""Accounts' rules, one module per capability; pure: storage and the catalog come in as ports."""
