"""`python -m bench [--orders N] [--rate R] …` (burst, ceilings, the machine alone, steady),
`python -m bench steady [--rate R] [--steady-seconds S]` (the open-loop phase alone), `python -m
bench growth [--orders N] [--skus K]` (reads on a grown store), `python -m bench hot` (one SKU
and one wallet wanted by every order at once), `python -m bench ab NAME=VALUE … [--rounds N]`
(the burst with those settings as the baseline against it as configured, in one run), or
`python -m bench products` (the product-list benchmark)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.load import line_range
from bench.run import Options, cancellable, run
from bench.summary import render
from juhe.logging import configure_logging


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {value}")
    return value


def _lines(text: str) -> str:
    try:
        line_range(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc
    return text


def parse(argv: Sequence[str] | None = None, mode: str = "all") -> Options:
    defaults = Options()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--orders", type=_positive, default=defaults.orders, help="orders to push (%(default)s)"
    )
    parser.add_argument("--merchants", type=_positive, default=defaults.merchants, help="(%(default)s)")
    parser.add_argument("--skus", type=_positive, default=defaults.skus, help="listed SKUs (%(default)s)")
    parser.add_argument("--suppliers", type=_positive, default=defaults.suppliers, help="(%(default)s)")
    parser.add_argument(
        "--concurrency", type=_positive, default=defaults.concurrency, help="webhooks in flight (%(default)s)"
    )
    parser.add_argument("--prefetch", type=_positive, default=defaults.prefetch, help="(%(default)s)")
    parser.add_argument(
        "--worker-copies",
        type=_positive,
        default=defaults.worker_copies,
        help="copies of every worker, competing for each queue (%(default)s)",
    )
    parser.add_argument(
        "--worker-processes",
        type=int,
        choices=range(0, 9),
        metavar="N",
        default=defaults.worker_processes,
        help="processes hosting every worker, apart from the edge; 0 hosts them in the bench's "
        "own process, with --worker-copies copies (%(default)s)",
    )
    parser.add_argument("--seed", type=int, default=defaults.seed, help="order generator seed (%(default)s)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=defaults.timeout,
        help="seconds to wait for orders to settle (%(default)s)",
    )
    parser.add_argument(
        "--lines", type=_lines, default=defaults.lines, help="lines per order, N or LOW-HIGH (%(default)s)"
    )
    parser.add_argument(
        "--ceiling-seconds", type=_fraction, default=defaults.ceiling_seconds, help="each ceiling, 0 skips"
    )
    parser.add_argument("--ceiling-concurrency", type=_positive, default=defaults.ceiling_concurrency)
    parser.add_argument(
        "--machine-seconds",
        type=_fraction,
        default=defaults.machine_seconds,
        help="a constant load on every CPU, the system idle (as long as the burst); 0 skips",
    )
    parser.add_argument("--rate", type=_fraction, default=None, help="steady orders/s (half the burst's)")
    parser.add_argument(
        "--steady-seconds", type=_fraction, default=defaults.steady_seconds, help="steady phase, 0 skips"
    )
    parser.add_argument("--results", default=defaults.results, help="folder for the JSON (bench/results)")
    args = parser.parse_args(argv)
    if args.worker_copies > 1 and args.worker_processes:
        parser.error("--worker-copies copies workers in the bench's process: add --worker-processes 0")
    return Options(mode=mode, **vars(args))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["products"]:  # the product-list benchmark; the order benchmark stays default
        from bench import products

        configure_logging("WARNING")
        return products.main(args[1:])
    if args[:1] == ["hot"]:
        from bench import hot

        configure_logging("WARNING")
        return hot.main(args[1:])
    if args[:1] == ["ab"]:
        from bench import ab

        configure_logging("WARNING")
        return ab.main(args[1:], lambda rest: parse(rest, "burst"))
    if args[:1] == ["growth"]:
        from bench import growth

        configure_logging("WARNING")
        return growth.main(args[1:])
    opts = parse(args[1:], "steady") if args[:1] == ["steady"] else parse(args)
    configure_logging("WARNING")  # the workers' per-message INFO lines would drown the progress bars
    result, path = asyncio.run(cancellable(run(opts)))
    sys.stdout.write(render(result, _shown(path)))
    return 1 if result.get("timed_out") or (result.get("audit") or {}).get("problems") else 0


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
