"""Per-key turns: the same key waits, other keys do not, and no lock outlives its users."""

from __future__ import annotations

import asyncio

from juhe.keyed_locks import KeyedLocks


async def test_the_same_key_takes_turns_and_other_keys_run_alongside() -> None:
    locks, order = KeyedLocks(), []
    first_in = asyncio.Event()
    release_first = asyncio.Event()

    async def first() -> None:
        async with locks.hold("m1"):
            order.append("first in")
            first_in.set()
            await release_first.wait()
            order.append("first out")

    async def second() -> None:
        async with locks.hold("m1"):
            order.append("second in")

    async def other() -> None:
        async with locks.hold("m2"):
            order.append("other in")

    task = asyncio.create_task(first())
    await first_in.wait()
    waiting = asyncio.create_task(second())
    await other()
    await asyncio.sleep(0)
    assert order == ["first in", "other in"]
    release_first.set()
    await asyncio.gather(task, waiting)
    assert order == ["first in", "other in", "first out", "second in"]
    assert len(locks) == 0


async def test_a_failure_inside_still_gives_the_turn_back() -> None:
    locks = KeyedLocks()
    try:
        async with locks.hold("m1"):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with asyncio.timeout(1):
        async with locks.hold("m1"):
            pass
    assert len(locks) == 0
