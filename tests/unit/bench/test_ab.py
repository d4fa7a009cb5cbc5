"""The A/B mode's pieces: which settings make the baseline, and how the two sides are summed up."""

from __future__ import annotations

import os
from typing import Any

import pytest

from bench.ab import environment, figures, medians, order_of, render, setting_overrides


def burst(per_second: float, quarters: list[float], commands: float) -> dict[str, Any]:
    cpu = {
        name: {"ms_per_order": ms} for name, ms in (("bench+edge", 4.0), ("workers", 12.0), ("store", 20.0))
    }
    return {
        "routing": {
            "per_second": per_second,
            "quarters_per_second": quarters,
            "latency_seconds": {"p50": 20.0},
        },
        "store_commands": {"all": {"per_order": commands}},
        "broker_messages": {"per_order": 5.0},
        "cpu_ms_per_order": cpu,
    }


def test_a_baseline_names_settings_with_or_without_their_prefix() -> None:
    assert setting_overrides(["INTAKE_PREFETCH=64", "juhe_prefetch=16"]) == {
        "JUHE_INTAKE_PREFETCH": "64",
        "JUHE_PREFETCH": "16",
    }


@pytest.mark.parametrize("pair", ["NO_SUCH_SETTING=1", "INTAKE_PREFETCH"])
def test_a_name_that_is_no_setting_or_a_missing_value_is_refused(pair: str) -> None:
    with pytest.raises(ValueError, match="NAME=VALUE"):
        setting_overrides([pair])


def test_the_baseline_environment_is_set_only_while_its_run_lasts() -> None:
    os.environ.pop("JUHE_INTAKE_PREFETCH", None)
    with environment({"JUHE_INTAKE_PREFETCH": "64"}):
        assert os.environ["JUHE_INTAKE_PREFETCH"] == "64"
    assert "JUHE_INTAKE_PREFETCH" not in os.environ


def test_each_side_is_summed_up_by_its_medians() -> None:
    rows = [
        {
            "side": "baseline",
            "round": 1,
            "results": "a.json",
            **figures(burst(38.0, [17.0, 68.0, 64.0, 58.0], 10.2)),
        },
        {
            "side": "change",
            "round": 1,
            "results": "b.json",
            **figures(burst(33.0, [33.0, 33.0, 34.0, 33.0], 11.6)),
        },
        {
            "side": "baseline",
            "round": 2,
            "results": "c.json",
            **figures(burst(36.0, [18.0, 60.0, 60.0, 60.0], 10.4)),
        },
        {
            "side": "change",
            "round": 2,
            "results": "d.json",
            **figures(burst(35.0, [34.0, 34.0, 34.0, 34.0], 11.8)),
        },
    ]
    table = medians(rows)
    assert table["baseline"]["routed/s"] == 37.0
    assert table["change"]["routed/s"] == 34.0
    assert table["baseline"]["quarters slowest/fastest"] == 0.275
    assert table["change"]["store cmds/order"] == 11.7
    assert table["change"]["CPU ms/order, all"] == 36.0

    text = render(
        {"baseline": {"JUHE_INTAKE_PREFETCH": "64"}, "rounds": 2, "runs": rows, "median": table}, "ab.json"
    )
    assert "baseline INTAKE_PREFETCH=64" in text
    assert "  routed/s                           37         34" in text


def test_the_side_that_goes_first_swaps_every_round() -> None:
    assert [order_of(round_) for round_ in (1, 2, 3, 4)] == [
        ("baseline", "change"),
        ("change", "baseline"),
        ("baseline", "change"),
        ("change", "baseline"),
    ]
