"""Which CPUs the embedded store is pinned to, from the `embedded_store_cpus` setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from juhe.settings import Settings
from juhe.store.embedded import store_cpus


def test_one_is_the_last_cpu_this_process_may_use() -> None:
    assert store_cpus("one", {0, 1}) == {1}
    assert store_cpus("one", {2, 5, 3}) == {5}
    assert store_cpus("one", {0}) == {0}


def test_all_pins_nothing() -> None:
    assert store_cpus("all", {0, 1}) is None


def test_a_list_is_taken_as_given() -> None:
    assert store_cpus("2,3", {0, 1, 2, 3}) == {2, 3}
    assert store_cpus("0", {0, 1}) == {0}


@pytest.mark.parametrize("choice", ["", "one,two", "1,", "-1", "auto", "1 2"])
def test_the_setting_refuses_anything_else(choice: str) -> None:
    with pytest.raises(ValidationError, match="embedded_store_cpus"):
        Settings(embedded_store_cpus=choice)


def test_the_default_is_one_cpu() -> None:
    assert Settings().embedded_store_cpus == "one"
