"""The compact human summary of a result document."""

from __future__ import annotations

from typing import Any

_TOP_NAMES = 12


def render(result: dict[str, Any], path: str) -> str:
    cfg, acc, rt = result["config"], result["acceptance"], result["routing"]
    lat, quarters = rt["latency_seconds"], rt["quarters_per_second"]
    store, broker = result["store_commands"], result["broker_messages"]
    lines = [
        f"Juhe bench: {cfg['orders']} orders, {cfg['merchants']} merchants, {cfg['skus']} SKUs, "
        f"concurrency {cfg['concurrency']}, prefetch {cfg['prefetch']}, "
        f"{result['machine']['cpu_count']} CPUs",
        f"  edge accepts     : {acc['accepted']} in {acc['seconds']:.1f} s = {acc['per_second']} /s"
        f"  (refused {sum(acc['refused'].values())})",
        f"  routed           : {rt['routed']} in {rt['seconds']:.1f} s = {rt['per_second']} /s"
        f"  (outcomes {result['outcomes']['by_status']}{', TIMED OUT' if result['timed_out'] else ''})",
        f"  routed/s by qtr  : {' | '.join(_num(q) for q in quarters)}  (last/first {_ratio(quarters)})",
        f"  webhook->routed  : p50 {_num(lat['p50'])} s  p95 {_num(lat['p95'])} s  p99 {_num(lat['p99'])} s"
        f"  max {_num(lat['max'])} s",
        f"  store cmds/order : {store['all']['per_order']}  (edge {store['edge']['per_order']}, "
        f"workers {store['workers']['per_order']}; failed {store['failed']})",
        f"                     {_top(store['all']['by_name_per_order'])}",
        f"                     {_top(store['by_collection'])}",
        *_sales(result.get("sales")),
        f"  broker msgs/order: {broker['per_order']}",
        f"                     {_top(broker['by_name_per_order'])}",
        f"  topology         : {result['topology']}",
        f"  results          : {path}",
    ]
    return "\n".join(lines) + "\n"


def _sales(sales: dict[str, Any] | None) -> list[str]:
    if not sales:
        return []
    delay, batch = sales["rollup_delay_seconds"], sales.get("stored_to_rollup_seconds") or {}
    return [
        f"  sales roll-ups   : {sales['store_commands_per_order']} store cmds/order;"
        f" event->roll-up p50 {_num(delay['p50'])} s  p95 {_num(delay['p95'])} s  max {_num(delay['max'])} s;"
        f" fact stored->roll-up p50 {_num(batch.get('p50'))} s  p95 {_num(batch.get('p95'))} s",
        f"                     {_top(sales['by_collection'])}",
    ]


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _ratio(quarters: list[float | None]) -> str:
    if len(quarters) < 4 or not quarters[0] or quarters[-1] is None:
        return "-"
    return f"{quarters[-1] / quarters[0]:.2f}"


def _top(by_name: dict[str, float]) -> str:
    shown = [f"{name} {value:g}" for name, value in list(by_name.items())[:_TOP_NAMES]]
    rest = len(by_name) - _TOP_NAMES
    return ", ".join(shown) + (f", +{rest} more" if rest > 0 else "")
