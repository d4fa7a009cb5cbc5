"""`JUHE_WORKER_PROCESSES`: how many worker processes `juhe up` runs, and which workers each hosts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from juhe.settings import Settings
from juhe.worker_plan import EVERY_WORKER, parse_worker_plan, resolve_groups

KNOWN = ["accounts", "catalog", "order", "wallet"]


def test_a_number_is_that_many_processes_each_hosting_every_worker() -> None:
    assert parse_worker_plan("2") == [[EVERY_WORKER], [EVERY_WORKER]]
    assert resolve_groups(parse_worker_plan("2"), KNOWN) == [KNOWN, KNOWN]


def test_zero_runs_the_workers_in_the_api_process() -> None:
    assert parse_worker_plan("0") == []
    assert resolve_groups([], KNOWN) == []


def test_groups_name_the_workers_of_each_process() -> None:
    groups = parse_worker_plan(" order, wallet ; accounts,catalog;order ")
    assert groups == [["order", "wallet"], ["accounts", "catalog"], ["order"]]
    assert resolve_groups(groups, KNOWN) == groups


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "a number of processes, or ';'-separated groups"),
        ("order;;wallet", "a number of processes, or ';'-separated groups"),
        ("Order", "not a worker name: Order"),
        ("65", "at most 64 worker processes, got 65"),
    ],
)
def test_a_malformed_plan_is_refused_naming_the_problem(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_worker_plan(text)
    with pytest.raises(ValidationError, match="worker_processes"):
        Settings(worker_processes=text)


def test_an_unknown_worker_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"^unknown worker nope; known: accounts, catalog, order, wallet$"):
        resolve_groups([["order", "nope"]], KNOWN)


def test_every_worker_must_run_somewhere() -> None:
    with pytest.raises(ValueError, match=r"^no process hosts accounts, catalog; name every worker"):
        resolve_groups([["order"], ["wallet"]], KNOWN)


def test_the_default_is_one_worker_process_beside_the_api() -> None:
    assert Settings().worker_groups == [[EVERY_WORKER]]
