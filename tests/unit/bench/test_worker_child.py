"""The bench's pipe to a worker process: one question at a time, and no reply read by the wrong
question."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator

import pytest

from bench.worker_processes import WorkerChild

# Answers each line with it, after a pause long enough for a second question to be written.
_ECHO = """
import json, sys, time
for line in sys.stdin:
    time.sleep(0.1)
    print(json.dumps({"asked": line.strip()}), flush=True)
"""


@pytest.fixture
async def child() -> AsyncIterator[WorkerChild]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _ECHO, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    one = WorkerChild(process)
    yield one
    await one.stop()


async def test_questions_asked_at_once_each_get_their_own_reply(child: WorkerChild) -> None:
    replies = await asyncio.gather(child.ask("counts"), child.ask("reset"), child.ask("counts"))
    assert replies == [{"asked": "counts"}, {"asked": "reset"}, {"asked": "counts"}]


async def test_a_question_abandoned_before_its_reply_leaves_the_child_unaskable(child: WorkerChild) -> None:
    asking = asyncio.create_task(child.ask("counts"))
    await asyncio.sleep(0.02)  # written, not yet answered
    asking.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asking
    with pytest.raises(RuntimeError, match="an earlier reply went unread"):
        await child.ask("reset")


async def test_a_child_answered_in_turn_can_be_asked_again(child: WorkerChild) -> None:
    assert await child.ask("counts") == {"asked": "counts"}
    assert await child.ask("reset") == {"asked": "reset"}
