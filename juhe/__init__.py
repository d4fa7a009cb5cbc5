"""Shared infrastructure for the Juhe edge and workers: settings, logging, broker, store."""
