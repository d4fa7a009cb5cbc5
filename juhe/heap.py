"""The collector and a long-running process: what start-up loaded stays until exit."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Call once a process is up. Modules, schemas, settings and connections made at start-up
    live as long as the process; frozen, a full collection no longer walks them, and those
    full collections are what stop the event loop for a third of a second under load."""
    gc.collect()
    gc.freeze()
