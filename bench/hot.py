"""`python -m bench hot`: every order wants the same thing at once, and the outcome must be exact.

Two phases on one running system (the default run's), each pushing `--orders` single-unit
orders, `--concurrency` webhooks at a time (the edge takes them far faster than the pipeline
settles them, so nearly all of them are in the pipeline together):

- **One SKU**: stock for `--stock` units, orders from every merchant. Exactly `--stock` orders
  are routed and the rest rejected `out_of_stock`; the SKU ends with every unit reserved, and
  its document carries only the holds not yet settled.
- **One wallet**: one merchant, orders spread over the SKUs, funds for exactly `--funded`
  orders. Exactly that many are routed and the rest wait for funds; the wallet ends at 0 and
  equals the sum of its ledger.

Each phase reports its rate (orders settled per second, from the first push to the last
settled order) and whether every count came out exact. Then the cost of a hold as a SKU's
open orders pile up, with bounded holds and without (`bench.hold_cost`).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.harness import Harness, running_system
from bench.hold_cost import bounded, hold_costs
from bench.hold_cost import render as hold_cost_lines
from bench.load import PlannedOrder, push_orders
from bench.run import RESULTS, audit_figures, cancellable, header_of, write
from bench.seed import World, build_world, until
from bench.summary import audit_lines
from tests.support.api import Api, Party
from workers.inventory.model import StockRecord

STANDARD_PRICE = 1200  # the standard tier's unit price of every SKU `Api.listed_sku` lists
_POLL_SECONDS = 0.25


@dataclass(frozen=True)
class HotOptions:
    orders: int = 1000
    stock: int = 600
    funded: int = 700
    concurrency: int = 64
    merchants: int = 20
    skus: int = 20
    prefetch: int = 64
    timeout: float = 600.0
    results: str = str(RESULTS)


@dataclass(frozen=True)
class Settled:
    statuses: dict[str, int]
    reasons: dict[str, int]
    seconds: float
    timed_out: bool

    def rate(self, orders: int) -> float:
        return round(orders / self.seconds, 2) if self.seconds else 0.0


async def run_hot(opts: HotOptions) -> tuple[dict[str, Any], Path]:
    async with (
        running_system(opts.prefetch) as system,
        httpx.AsyncClient(
            base_url=system.base_url, timeout=120.0, limits=httpx.Limits(max_connections=opts.concurrency + 8)
        ) as http,
    ):
        api = Api(http, system.settings.admin_token)
        world = await build_world(
            api, suppliers=2, skus=opts.skus, merchants=opts.merchants, tiers=["standard"]
        )
        result = {
            **header_of(asdict(opts), system),
            "hot_sku": await hot_sku(api, system, world, opts),
            "hot_wallet": await hot_wallet(api, system, world, opts),
        }
        result["audit"] = await audit_figures(system)
        result["hold_cost"] = await _hold_costs(system)
    return result, write(result, Path(opts.results), kind="hot")


async def _hold_costs(system: Harness) -> dict[str, Any]:
    """In a database of its own, dropped after: the run's audit never sees its orders."""
    db = system.db.client[f"{system.settings.database_name}_hold_cost"]
    try:
        return await hold_costs(db)
    finally:
        await system.db.client.drop_database(db.name)


async def hot_sku(api: Api, system: Harness, world: World, opts: HotOptions) -> dict[str, Any]:
    supplier = await api.supplier()
    sku = await api.listed_sku(supplier, stock=opts.stock)
    await _until_stocked(api, sku, opts.stock)
    shops = world.shops
    orders = [PlannedOrder(shops[i % len(shops)], f"HOTSKU-{i:06d}", [(sku, 1)]) for i in range(opts.orders)]
    settled = await _push_and_settle(api, system, orders, "HOTSKU-", opts, waiting_ends=False)
    stock = await api.sku(sku)
    document = await system.db[StockRecord.COLLECTION].find_one({"_id": sku}) or {}
    routed = min(opts.stock, opts.orders)
    expected = {
        "routed": routed,
        "rejected_out_of_stock": opts.orders - routed,
        "on_hand": opts.stock,
        "reserved": routed,
        "available": opts.stock - routed,
    }
    measured = {
        "routed": settled.statuses.get("routed", 0),
        "rejected_out_of_stock": settled.reasons.get("out_of_stock", 0),
        "on_hand": stock["on_hand"],
        "reserved": stock["reserved"],
        "available": stock["available"],
    }
    phase = _phase(opts.orders, settled, expected, measured)
    # Not part of "exact": holds settle out of the document lazily (with later holds, or a sweep).
    phase["document"] = {"holds": len(document.get("holds", [])), "settled": document.get("settled", 0)}
    return phase


async def hot_wallet(api: Api, system: Harness, world: World, opts: HotOptions) -> dict[str, Any]:
    merchant = await api.merchant(tier="standard")
    shop = await api.shop(merchant)
    funds = opts.funded * STANDARD_PRICE
    await api.top_up(merchant, funds)
    await _until_funded(api, merchant, funds)
    skus = world.skus
    orders = [
        PlannedOrder(shop, f"HOTWALLET-{i:06d}", [(skus[i % len(skus)], 1)]) for i in range(opts.orders)
    ]
    settled = await _push_and_settle(api, system, orders, "HOTWALLET-", opts, waiting_ends=True)
    wallet = await api.wallet(merchant)
    paid = min(opts.funded, opts.orders)
    expected = {
        "routed": paid,
        "awaiting_funds": opts.orders - paid,
        "balance": funds - paid * STANDARD_PRICE,
    }
    measured = {
        "routed": settled.statuses.get("routed", 0),
        "awaiting_funds": settled.statuses.get("awaiting_funds", 0),
        "balance": wallet["balance"],
    }
    return _phase(opts.orders, settled, expected, measured)


def _phase(
    orders: int, settled: Settled, expected: dict[str, int], measured: dict[str, int]
) -> dict[str, Any]:
    return {
        "orders": orders,
        "settled_per_second": settled.rate(orders),
        "seconds": round(settled.seconds, 2),
        "timed_out": settled.timed_out,
        "statuses": settled.statuses,
        "expected": expected,
        "measured": measured,
        "exact": measured == expected and not settled.timed_out,
    }


async def _push_and_settle(
    api: Api,
    system: Harness,
    orders: list[PlannedOrder],
    prefix: str,
    opts: HotOptions,
    *,
    waiting_ends: bool,
) -> Settled:
    """Push every order; wait until none of them is still on its way (an order waiting for funds
    counts as settled when `waiting_ends`)."""
    start, within = time.monotonic(), opts.timeout
    await push_orders(api, orders, concurrency=opts.concurrency)
    pending = {"received", "reserved", "paid"} | (set() if waiting_ends else {"awaiting_funds"})
    query = {"_id": {"$regex": f"^generic:[^:]+:{prefix}"}}
    while True:
        docs = await system.db["orders"].find(query, {"status": 1, "reason": 1}).to_list()
        statuses = Counter(str(d["status"]) for d in docs)
        done = len(docs) == len(orders) and not pending & statuses.keys()
        timed_out = time.monotonic() - start > within
        if done or timed_out:
            reasons = Counter(str(d.get("reason")) for d in docs if d["status"] == "rejected")
            return Settled(dict(statuses), dict(reasons), time.monotonic() - start, timed_out and not done)
        await asyncio.sleep(_POLL_SECONDS)


async def _until_stocked(api: Api, sku: str, stock: int) -> None:
    async def stocked() -> bool:
        return bool((await api.sku(sku))["on_hand"] == stock)

    await until(stocked, f"stock of {sku}")


async def _until_funded(api: Api, merchant: Party, funds: int) -> None:
    async def funded() -> bool:
        return bool((await api.wallet(merchant))["balance"] == funds)

    await until(funded, f"funds of {merchant.id}")


def render(result: dict[str, Any], path: str) -> str:
    lines = [f"Juhe hot keys: {result['config']['orders']} orders at once per phase"]
    for name, title in (("hot_sku", "one SKU"), ("hot_wallet", "one wallet")):
        phase = result[name]
        verdict = "PASS" if phase["exact"] else "FAIL"
        lines += [
            f"{title:<11}: {phase['settled_per_second']} orders settled/s ({phase['seconds']} s); "
            f"statuses {phase['statuses']}",
            f"{'':<11}  expected {phase['expected']}",
            f"{'':<11}  measured {phase['measured']}  exact: {verdict}",
        ]
    document = result["hot_sku"]["document"]
    lines.insert(
        4, f"{'':<11}  its document: {document['holds']} holds in it, {document['settled']} units settled"
    )
    lines += hold_cost_lines(result["hold_cost"])
    lines += audit_lines(result.get("audit"))
    lines.append(f"results    : {path}")
    return "\n".join(lines) + "\n"


def parse(argv: Sequence[str]) -> HotOptions:
    defaults = HotOptions()
    parser = argparse.ArgumentParser(prog="python -m bench hot", description=__doc__)
    for name in ("orders", "stock", "funded", "concurrency", "merchants", "skus", "prefetch"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name), help="(%(default)s)")
    parser.add_argument("--timeout", type=float, default=defaults.timeout, help="(%(default)s)")
    parser.add_argument("--results", default=defaults.results)
    return HotOptions(**vars(parser.parse_args(argv)))


def main(argv: Sequence[str]) -> int:
    opts = parse(argv)
    result, path = asyncio.run(cancellable(run_hot(opts)))
    sys.stdout.write(render(result, str(path)))
    exact = result["hot_sku"]["exact"] and result["hot_wallet"]["exact"] and not result["audit"]["problems"]
    return 0 if exact and bounded(result["hold_cost"]) else 1
