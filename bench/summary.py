"""The compact human summary of a result document: each phase's figures, then the goals."""

from __future__ import annotations

from typing import Any

from bench import goals

_TOP_NAMES = 40  # every name: the goals count each command and message


def render(result: dict[str, Any], path: str) -> str:
    cfg = result["config"]
    burst = f"{cfg['orders']} orders" if "routing" in result else "no burst"
    lines = [
        f"Juhe bench: {burst}, {cfg['lines']} lines per order, {cfg['merchants']} merchants, "
        f"{cfg['skus']} SKUs, concurrency {cfg['concurrency']}, prefetch {cfg['prefetch']}, "
        f"{_hosting(cfg)}, "
        f"{result['machine']['cpu_count']} CPUs"
    ]
    if "routing" in result:
        lines += _burst(result)
    if result.get("ceilings"):
        lines += _ceilings(result["ceilings"])
    if result.get("machine_alone"):
        lines += machine_lines(result["machine_alone"])
    if result.get("steady"):
        lines += _steady(result["steady"])
    lines += audit_lines(result.get("audit"))
    lines += ["Goals", *goals.render(result["goals"]), *_machine_below_goals(result)]
    lines += [f"  results          : {path}"]
    return "\n".join(lines) + "\n"


def _burst(result: dict[str, Any]) -> list[str]:
    acc, rt = result["acceptance"], result["routing"]
    lat, quarters = rt["latency_seconds"], rt["quarters_per_second"]
    store, broker = result["store_commands"], result["broker_messages"]
    return [
        "Burst",
        f"  edge accepts     : {acc['accepted']} in {acc['seconds']:.1f} s = {acc['per_second']} /s"
        f"  (refused {sum(acc['refused'].values())})",
        f"  routed           : {rt['routed']} in {rt['seconds']:.1f} s = {rt['per_second']} /s"
        f"  (outcomes {result['outcomes']['by_status']}{', TIMED OUT' if result['timed_out'] else ''})",
        f"  routed/s by qtr  : {' | '.join(_num(q) for q in quarters)}  (last/first {_ratio(quarters)})",
        *_timeline(rt, result.get("steal") or {}),
        f"  webhook->routed  : p50 {_num(lat['p50'])} s  p95 {_num(lat['p95'])} s  p99 {_num(lat['p99'])} s"
        f"  max {_num(lat['max'])} s  (queueing under the burst)",
        f"  per order        : of the {result['orders_stored']} orders stored",
        f"  store cmds/order : {store['all']['per_order']}  (edge {store['edge']['per_order']}, "
        f"workers {store['workers']['per_order']}; failed {store['failed']})",
        f"                     {_top(store['by_collection'])}",
        *_sales(result.get("sales")),
        f"  broker msgs/order: {broker['per_order']}",
        f"                     {_top(broker['by_name_per_order'])}",
        f"  CPU ms/order     : {_cpu(result['cpu_ms_per_order'])}",
        *_gc(result.get("gc")),
        f"  topology         : {result['topology']}",
    ]


def _timeline(routing: dict[str, Any], stolen: dict[str, Any]) -> list[str]:
    """Orders routed per window, and the CPU time the machine's host took (steal) per window."""
    if not routing.get("routed_per_window"):
        return []
    width = routing["window_seconds"]
    lines = [f"  routed per {width:g} s : {' '.join(str(n) for n in routing['routed_per_window'])}"]
    if stolen.get("share") is not None:
        percents = _percents(stolen["per_window"])
        lines.append(f"  steal % per {width:g} s: {percents}  (over the burst {100 * stolen['share']:.1f} %)")
    return lines


def _percents(shares: list[float | None]) -> str:
    """Shares per window as whole percents, '-' where a window had no measure."""
    return " ".join("-" if w is None else f"{100 * w:.0f}" for w in shares)


def _ceilings(ceilings: dict[str, Any]) -> list[str]:
    store, broker = ceilings["store"], ceilings["broker"]
    return [
        "Ceilings (nothing else running)",
        *_store_ceiling(store),
        f"  broker           : {broker['published_per_second']} confirmed publishes/s, "
        f"{broker['consumed_per_second']} acked deliveries/s (quorum queue) "
        f"= {broker['orders_per_second']} orders/s at {broker['messages_per_order']} msgs/order",
        f"  binding          : {ceilings['binding']} {ceilings['binding_orders_per_second']} orders/s; "
        f"routed {ceilings['routed_per_second']}/s = {ceilings['routed_share']} of it",
    ]


def _store_ceiling(store: dict[str, Any]) -> list[str]:
    if store.get("orders_per_second") is None:
        return [f"  store            : n/a ({store.get('note')})"]
    effects = store["effects"]
    lines = [
        f"  store            : the burst's own commands ({store['commands_per_order']} per order) "
        "replayed from its start at a copy, by commands in flight:"
    ]
    for limit, run in store["by_limit"].items():
        lines.append(
            f"                     {limit} at a time: {run['orders_per_second']} orders/s "
            f"({run['commands']} commands in {run['seconds']} s, store CPU {run['store_cpu_ms_per_order']} "
            "ms/order)"
        )
    lines += [
        f"                     ceiling: {store['orders_per_second']} orders/s "
        f"({store['best_limit']} at a time)",
        f"                     same effects as in the burst: {effects['replay']} of {effects['burst']} "
        f"documents ({effects['share']}); failed {effects['failed']['burst']} there, "
        f"{effects['failed']['replay']} here"
        + (f"; differing {effects['differing']}" if effects["differing"] else ""),
    ]
    return lines


def _steady(steady: dict[str, Any]) -> list[str]:
    lat, rec, lag = steady["latency_ms"], steady["received_to_routed_ms"], steady["send_lag_ms"]
    return [
        f"Steady (open loop, {steady['rate']} orders/s for {steady['seconds']:g} s)",
        f"  offered/accepted/routed: {steady['offered']}/{steady['accepted']}/{steady['routed']}",
        f"  send->routed     : p50 {_num(lat['p50'])} ms  p95 {_num(lat['p95'])} ms"
        f"  p99 {_num(lat['p99'])} ms  max {_num(lat['max'])} ms",
        f"  received->routed : p50 {_num(rec['p50'])} ms  p99 {_num(rec['p99'])} ms",
        f"  send lag         : p99 {_num(lag['p99'])} ms  max {_num(lag['max'])} ms",
        *_steady_windows(steady),
        *_steady_commands(steady.get("store_commands")),
        *_steady_sales(steady.get("sales")),
    ]


def _steady_windows(steady: dict[str, Any]) -> list[str]:
    """Latency by window of the schedule, steal and CPU per order; older results have none."""
    windows = steady.get("latency_by_window")
    if not windows:
        return []
    width = steady["window_seconds"]

    def row(key: str) -> str:
        return " ".join("-" if w[key] is None else f"{w[key]:.0f}" for w in windows)

    lines = [
        f"  {f'by {width:g} s sent':<17}: p50 ms {row('p50_ms')}",
        f"                     max ms {row('max_ms')}",
    ]
    stolen = steady.get("steal") or {}
    if stolen.get("share") is not None:
        percents = _percents(stolen["per_window"])
        lines.append(f"  steal % per {width:g} s: {percents}  (until settled {100 * stolen['share']:.1f} %)")
    if steady.get("cpu_ms_per_order"):
        lines.append(f"  CPU ms/order     : {_cpu(steady['cpu_ms_per_order'])}")
    return lines


def _hosting(cfg: dict[str, Any]) -> str:
    """Older results name only the copies, all in the bench's process."""
    processes = cfg.get("worker_processes", 0)
    if processes:
        return f"workers in {processes} process{'es' if processes > 1 else ''} of their own"
    return f"worker copies {cfg.get('worker_copies', 1)} in the bench process"


def _steady_commands(commands: dict[str, Any] | None) -> list[str]:
    """Older results have no steady counts."""
    if not commands:
        return []
    per_order = _num(commands["all"]["per_order"])
    return [f"  store cmds/order : {per_order}  (fewer inserts queue together than in the burst)"]


def _steady_sales(sales: dict[str, Any] | None) -> list[str]:
    if not sales:
        return []
    delay = sales["rollup_delay_seconds"]
    return [
        f"  sales roll-ups   : event->roll-up p50 {_num(delay['p50'])} s  p95 {_num(delay['p95'])} s"
        f"  max {_num(delay['max'])} s  (facts not rolled up: {sales['not_rolled_up']})"
    ]


def _cpu(by_process: dict[str, dict[str, Any]]) -> str:
    return ", ".join(f"{label} {_num(p['ms_per_order'])}" for label, p in by_process.items())


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


def machine_lines(alone: dict[str, Any]) -> list[str]:
    """Each CPU's constant load: its quarters against each other, as the burst's are judged."""
    niceness = f", at niceness {alone['niceness']}" if "niceness" in alone else ""
    lines = [f"Machine alone (the same fixed work on every CPU at once, the system idle{niceness})"]
    per_window = f"units per {alone['window_seconds']} s"
    for cpu, figures in alone["cpus"].items():
        quarters = " | ".join("-" if q is None else f"{q:.0f}" for q in figures["quarters_per_second"])
        lines += [
            f"  {'cpu ' + cpu:<17}: units/s by qtr {quarters}  (slowest/fastest "
            f"{_num(figures['flatness'], 3)}, over {figures['seconds']} s)",
            f"  {per_window:<17}: {' '.join(str(n) for n in figures['per_window'])}"
            f"  (std dev / mean {_num(figures['window_cv'], 3)})",
        ]
    return lines


def _machine_below_goals(result: dict[str, Any]) -> list[str]:
    """The machine's own flatness under the quarters' goal, to read that goal against."""
    alone = result.get("machine_alone") or {}
    if alone.get("flatness") is None:
        return []
    seconds = max(cpu["seconds"] for cpu in alone["cpus"].values())
    return [
        f"  quarters of a constant load on this machine, alone, over {seconds} s: "
        f"{alone['flatness']:.3f} on its least flat CPU"
    ]


def _num(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(quarters: list[float | None]) -> str:
    if len(quarters) < 4 or not quarters[0] or quarters[-1] is None:
        return "-"
    return f"{quarters[-1] / quarters[0]:.2f}"


def _top(by_name: dict[str, float]) -> str:
    shown = [f"{name} {value:g}" for name, value in list(by_name.items())[:_TOP_NAMES]]
    rest = len(by_name) - _TOP_NAMES
    return ", ".join(shown) + (f", +{rest} more" if rest > 0 else "")


def _gc(gc: dict[str, Any] | None) -> list[str]:
    """Pauses of the bench's own process, which hosts the edge (and the workers when in process)."""
    if not gc:
        return []
    return [
        f"  GC (this process): {gc['total_ms']} ms in {sum(gc['collections'].values())} collections"
        f" ({gc['share_of_phase'] * 100:.1f} % of the phase), longest {gc['max_ms']} ms,"
        f" longest full {gc['gen2_max_ms']} ms"
    ]


def audit_lines(audit: dict[str, Any] | None) -> list[str]:
    """What `juhe audit` says of the run's data: every order, hold, debit and roll-up exact."""
    if audit is None:
        return []
    if not audit["problems"]:
        return ["Audit (juhe audit's checks on the run's data): clean"]
    return [f"Audit: {audit['problems']} problems", *(f"  {problem}" for problem in audit["first"])]
