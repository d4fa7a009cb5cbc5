"""The bench's GC recorder counts each collection in its generation and leaves no callback."""

from __future__ import annotations

import gc

from bench.gc_pauses import recording


def test_a_full_collection_is_counted_and_the_recorder_is_removed_after() -> None:
    with recording() as pauses:
        gc.collect(2)
        gc.collect(0)
    figures = pauses.figures()
    assert figures["collections"]["2"] >= 1
    assert figures["collections"]["0"] >= 1
    assert figures["gen2_max_ms"] <= figures["max_ms"]
    assert pauses.callback not in gc.callbacks
