"""A bench worker process: every worker, hosted as `juhe up` hosts them in a process of their
own, with its store commands and its publishes counted and reported to the bench on request.

The bench writes one request per line on stdin and reads one JSON line back: `counts` (the
counts so far) or `reset` (commands from zero; publishes are compared by difference). End of
input stops the workers (they finish the messages in hand) and the process.

    python -m bench.worker_child   # settings from the JUHE_* environment, like `juhe worker`
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from bench.metrics import CommandCounter, CommandCounts, published_counts
from juhe.logging import configure_logging
from juhe.runtime import Runtime
from juhe.settings import Settings
from juhe.store.mongo import Store
from workers.host import WorkerHost
from workers.registry import WORKERS

READY = "READY"


def answer(request: str, counter: CommandCounter) -> dict[str, Any]:
    """The reply to one request line; an unknown request is answered with an error, not fatal."""
    if request == "counts":
        return {"commands": CommandCounts.of(counter).as_dict(), "published": published_counts()}
    if request == "reset":
        counter.reset()
        return {"reset": True}
    return {"error": f"unknown request {request!r}"}


async def serve(settings: Settings) -> None:
    counter = CommandCounter()
    host = WorkerHost(Runtime.create(settings, store=Store(settings, [counter])), list(WORKERS))
    await host.start()
    try:
        reader = await _stdin()
        _say(READY)
        while line := await reader.readline():
            _say(json.dumps(answer(line.decode().strip(), counter)))
    finally:
        await host.stop()


async def _stdin() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    configure_logging("WARNING")  # as in the bench: per-message INFO lines are not measured work
    asyncio.run(serve(Settings()))


if __name__ == "__main__":
    main()
