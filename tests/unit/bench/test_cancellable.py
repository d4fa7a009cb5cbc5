"""A SIGTERM cancels a bench run once; a second one does not cut its teardown short."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from bench.run import cancellable


async def test_a_second_sigterm_does_not_cancel_the_teardown() -> None:
    steps: list[str] = []

    async def run() -> None:
        try:
            await asyncio.sleep(30)
        finally:
            steps.append("teardown started")
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(0.1)  # the second signal arrives while the teardown awaits
            steps.append("teardown finished")

    task = asyncio.create_task(cancellable(run()))
    await asyncio.sleep(0.05)
    os.kill(os.getpid(), signal.SIGTERM)
    with pytest.raises(asyncio.CancelledError):
        await task
    assert steps == ["teardown started", "teardown finished"]
    # The handler is gone with the run: the loop no longer intercepts SIGTERM.
    assert asyncio.get_running_loop().remove_signal_handler(signal.SIGTERM) is False
