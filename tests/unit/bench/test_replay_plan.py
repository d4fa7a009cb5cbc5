"""The store ceiling's replay plan: commands in start order, each gated on what had ended."""

from __future__ import annotations

import asyncio
from typing import Any

import bson

from bench.recorder import Recorded, effect_of
from bench.store_ceiling import _Gate, plan


def _recorded(command: dict[str, Any], started: float, ended: float, effect: int | None = 1) -> Recorded:
    return Recorded("db", bson.encode(command), started, ended, effect)


def test_a_command_waits_only_for_those_that_ended_before_it_started() -> None:
    first = _recorded({"insert": "orders", "documents": [{"_id": 1}]}, 0.0, 1.0)
    overlapping = _recorded({"find": "skus", "filter": {}}, 0.5, 2.0)
    later = _recorded({"update": "orders", "updates": []}, 1.5, 3.0)
    steps = plan({"worker": [later, first], "edge": [overlapping]})

    assert [(s.source, s.name) for s in steps] == [
        ("worker", "insert orders"),
        ("edge", "find skus"),
        ("worker", "update orders"),
    ]
    assert [s.after for s in steps] == [0, 0, 1]  # only the insert had ended when the update began
    assert [s.end_rank for s in steps] == [0, 1, 2]


def test_an_unanswered_command_ends_last_and_gates_nothing() -> None:
    hung = _recorded({"find": "orders"}, 0.0, float("inf"), effect=None)
    after = _recorded({"find": "skus"}, 5.0, 6.0)
    steps = plan({"worker": [hung, after]})
    assert [(s.after, s.end_rank) for s in steps] == [(0, 1), (0, 0)]


def test_the_drivers_session_fields_are_not_replayed() -> None:
    command = {"findAndModify": "stock", "query": {"_id": "a"}, "lsid": {"id": 1}, "txnNumber": 3,
               "$clusterTime": {}, "$db": "x", "$readPreference": {"mode": "primary"}}  # fmt: skip
    (step,) = plan({"worker": [_recorded(command, 0.0, 1.0)]})
    assert step.command == {"findAndModify": "stock", "query": {"_id": "a"}}
    assert next(iter(step.command)) == "findAndModify"  # the command name stays first


def test_effects_count_documents_written_matched_or_returned() -> None:
    assert effect_of({"n": 2, "nModified": 1, "ok": 1}) == 2
    assert effect_of({"lastErrorObject": {"n": 1, "updatedExisting": True}, "value": {}, "ok": 1}) == 1
    assert effect_of({"lastErrorObject": {"n": 0}, "value": None, "ok": 1}) == 0
    assert effect_of({"cursor": {"firstBatch": [{}, {}, {}], "id": 0}, "ok": 1}) == 3
    assert effect_of({"ok": 1}) == 0


async def test_the_gate_opens_only_when_every_earlier_end_has_come() -> None:
    gate = _Gate(3)
    waiter = asyncio.create_task(gate.reached(2))
    gate.end(1)  # out of order: the first in end order has not ended yet
    await asyncio.sleep(0)
    assert not waiter.done()
    gate.end(0)
    await asyncio.wait_for(waiter, 1.0)
    await asyncio.wait_for(gate.reached(0), 1.0)
