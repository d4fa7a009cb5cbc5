"""`python -m bench ab NAME=VALUE … [--rounds N] [burst options]`: a change and its baseline in
one run. The baseline is the burst with the given settings (`JUHE_` names, e.g.
`INTAKE_PREFETCH=64`); the change is the same burst as configured. They alternate, each on a
fresh system, the side that goes first swapping every round (baseline, change, change,
baseline, …), so a machine that drifts one way over the run weighs on both alike; the summary
is each side's median per figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench import goals
from bench.run import Options, cancellable, run, write
from juhe.settings import Settings

SIDES = ("baseline", "change")


def figures(result: dict[str, Any]) -> dict[str, float | None]:
    """What a side is compared on, from one burst's result."""
    cpu = result["cpu_ms_per_order"]
    return {
        "routed/s": result["routing"]["per_second"],
        "quarters slowest/fastest": goals.quarter_flatness(result["routing"]["quarters_per_second"]),
        "store cmds/order": result["store_commands"]["all"]["per_order"],
        "broker msgs/order": result["broker_messages"]["per_order"],
        "CPU ms/order, all": round(sum(p["ms_per_order"] for p in cpu.values()), 2),
        "CPU ms/order, store": cpu["store"]["ms_per_order"],
        "webhook->routed p50 s": result["routing"]["latency_seconds"]["p50"],
    }


def setting_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """`NAME=VALUE` pairs as `JUHE_NAME` variables; a name Settings does not have is an error."""
    known = {name.upper() for name in Settings.model_fields}
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.upper().removeprefix("JUHE_")
        if not sep or name not in known:
            raise ValueError(f"{pair!r}: want NAME=VALUE with NAME one of Settings (e.g. INTAKE_PREFETCH=64)")
        overrides[f"JUHE_{name}"] = value
    return overrides


@contextmanager
def environment(variables: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def run_ab(opts: Options, overrides: dict[str, str], rounds: int) -> dict[str, Any]:
    burst_only = replace(opts, ceiling_seconds=0.0, steady_seconds=0.0)
    runs: list[dict[str, Any]] = []
    for round_ in range(1, rounds + 1):
        for side in order_of(round_):
            with environment(overrides if side == "baseline" else {}):
                result, path = await run(burst_only)
            runs.append({"side": side, "round": round_, "results": path.name, **figures(result)})
    return {"baseline": overrides, "rounds": rounds, "runs": runs, "median": medians(runs)}


def order_of(round_: int) -> tuple[str, ...]:
    """Baseline first in odd rounds, the change first in even ones: with the same side always
    first, a machine slowing down over the run would count against the other one."""
    return SIDES if round_ % 2 else SIDES[::-1]


def medians(runs: list[dict[str, Any]]) -> dict[str, dict[str, float | None]]:
    names = [n for n in runs[0] if n not in ("side", "round", "results")]
    table: dict[str, dict[str, float | None]] = {}
    for side in SIDES:
        mine = [r for r in runs if r["side"] == side]
        table[side] = {n: _median([r[n] for r in mine]) for n in names}
    return table


def _median(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 3) if present else None


def render(ab: dict[str, Any], path: str) -> str:
    baseline = " ".join(f"{k.removeprefix('JUHE_')}={v}" for k, v in ab["baseline"].items())
    lines = [f"Juhe A/B: baseline {baseline} against the configured settings, {ab['rounds']} round(s)"]
    lines.append(f"  {'figure':<26} {'baseline':>10} {'change':>10}")
    base, change = ab["median"]["baseline"], ab["median"]["change"]
    for name in base:
        lines.append(f"  {name:<26} {_cell(base[name]):>10} {_cell(change[name]):>10}")
    lines.append(f"  runs: {', '.join(r['results'] for r in ab['runs'])}")
    lines.append(f"  results: {path}")
    return "\n".join(lines) + "\n"


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def main(argv: Sequence[str], parse_options: Callable[[Sequence[str]], Options]) -> int:
    pairs = [a for a in argv if "=" in a and not a.startswith("-")]
    rest = [a for a in argv if a not in pairs]
    parser = argparse.ArgumentParser(prog="python -m bench ab", add_help=False)
    parser.add_argument("--rounds", type=int, default=1)
    known, others = parser.parse_known_args(rest)
    try:
        overrides = setting_overrides(pairs)
    except ValueError as exc:
        sys.stderr.write(f"python -m bench ab: {exc}\n")
        return 2
    if not overrides:
        sys.stderr.write(
            "python -m bench ab: name at least one setting for the baseline, e.g. INTAKE_PREFETCH=64\n"
        )
        return 2
    opts = parse_options(others)
    ab = asyncio.run(cancellable(run_ab(opts, overrides, max(1, known.rounds))))
    path = write(ab, Path(opts.results), kind="ab")
    sys.stdout.write(render(ab, str(path)))
    return 0
