"""The edge's CPU priority on a machine it shares with the workers and the store.

Under a burst the edge takes webhooks in faster than the pipeline routes them. On a shared
machine each webhook it takes then costs CPU that the store and the workers would have spent
moving orders already accepted. At a higher niceness the edge still answers at once while the
machine has CPU to spare, and waits behind the workers and the store only while it has none;
what it has accepted waits in the broker meanwhile.
"""

from __future__ import annotations

import os


def lower_this_thread(niceness: int) -> int:
    """Run the calling thread, and whatever it starts from now on, at `niceness`; a thread
    already running at a higher niceness keeps its own, since raising priority back needs a
    privilege. Linux keeps niceness per thread: threads started earlier keep theirs. Returns the
    niceness now in force."""
    current = os.getpriority(os.PRIO_PROCESS, 0)
    if niceness > current:
        os.setpriority(os.PRIO_PROCESS, 0, niceness)
    return os.getpriority(os.PRIO_PROCESS, 0)
