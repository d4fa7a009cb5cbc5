"""Adding the pending facts to their roll-ups, one numbered batch at a time (the rule and why it
is exact: `workers.sales.model.rollup`). Any worker copy may run it at any moment; one that finds
a batch open finishes it, so a crash anywhere only delays the roll-ups."""

from __future__ import annotations

from typing import NamedTuple

from schemas.envelope import utcnow
from workers.sales.handlers.ports import SalesRepository
from workers.sales.model import increments

#: Facts per batch: one bulk write of their buckets, whatever the count.
BATCH_LIMIT = 500
#: Rounds in one call before yielding to the caller's schedule.
MAX_ROUNDS = 100


class Round(NamedTuple):
    added: int
    #: A batch planned short of the limit: it took every fact pending when it was planned.
    drained: bool = False


async def roll_up_once(repo: SalesRepository, me: str = "", limit: int = BATCH_LIMIT) -> Round | None:
    """Finish the open batch, or plan and run the next; the facts it added, or None if there was
    nothing to do here (nothing pending, or another copy's batch is running). A lost race to
    plan counts as progress: the winner's batch is open."""
    now = utcnow()
    cursor = await repo.cursor()
    if cursor.left_to_another(me, now):
        return None
    cursor_was_open = cursor.open
    if cursor_was_open:
        facts = await repo.facts(cursor.fact_ids)
    else:
        facts = await repo.pending_facts(limit)
        if not facts:
            return None
        planned = cursor.planned([fact.id for fact in facts], me, now)
        if not await repo.plan(cursor, planned):
            return Round(0)
        cursor = planned
    await repo.apply(cursor.batch, increments(facts))
    await repo.mark_applied(cursor.batch, cursor.fact_ids, utcnow())
    await repo.close(cursor)
    return Round(len(facts), drained=not cursor_was_open and len(facts) < limit)


async def roll_up(repo: SalesRepository, me: str = "", limit: int = BATCH_LIMIT) -> int:
    """Batches until no fact is pending (or another copy has one running); the facts added.
    `me` names this copy: its own open batch (a crash of its last attempt) it finishes at once."""
    added = 0
    for _ in range(MAX_ROUNDS):
        done = await roll_up_once(repo, me, limit)
        if done is None:
            break
        added += done.added
        if done.drained:  # a fact stored since wakes the loop again: no round just to find none
            break
    return added
