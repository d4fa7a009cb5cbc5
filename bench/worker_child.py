"""A bench worker process: every worker, hosted as `juhe up` hosts them in a process of their
own, with its store commands and its publishes counted and reported to the bench on request.

The bench writes one request per line on stdin and reads one JSON line back: `counts` (the
counts so far), `reset` (commands from zero; publishes are compared by difference), `record`
(keep every store command from now on) or `recorded PATH` (write them to PATH and stop). End
of input stops the workers (they finish the messages in hand) and the process.

    python -m bench.worker_child   # settings from the JUHE_* environment, like `juhe worker`
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bench import recorder
from bench.metrics import CommandCounter, CommandCounts, published_counts
from bench.recorder import CommandRecorder
from juhe.affinity import pin_this_process
from juhe.logging import configure_logging
from juhe.runtime import Runtime
from juhe.settings import Settings
from juhe.store.mongo import Store
from workers.host import WorkerHost
from workers.registry import WORKERS

READY = "READY"


def answer(request: str, counter: CommandCounter, recording: CommandRecorder) -> dict[str, Any]:
    """The reply to one request line; an unknown request is answered with an error, not fatal."""
    verb, _, argument = request.partition(" ")
    if verb == "counts":
        return {"commands": CommandCounts.of(counter).as_dict(), "published": published_counts()}
    if verb == "reset":
        counter.reset()
        return {"reset": True}
    if verb == "record":
        recording.start()
        return {"recording": True}
    if verb == "recorded" and argument:
        commands = recording.stop()
        recorder.write(commands, Path(argument))
        return {"recorded": len(commands)}
    return {"error": f"unknown request {request!r}"}


async def serve(settings: Settings) -> None:
    counter, recording = CommandCounter(), CommandRecorder()
    store = Store(settings, [counter, recording])
    host = WorkerHost(Runtime.create(settings, store=store), list(WORKERS))
    await host.start()
    try:
        reader = await _stdin()
        _say(READY)
        while line := await reader.readline():
            _say(json.dumps(answer(line.decode().strip(), counter, recording)))
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
    settings = Settings()
    pin_this_process(settings.worker_cpus)  # as `juhe worker` does, before any thread starts
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
