"""How big the embedded store's cache is, from the `embedded_store_cache` setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from juhe.settings import Settings
from juhe.store.embedded import store_cache

GIB = 1024**3


def test_auto_takes_half_the_memory_above_one_gib_as_mongod_does() -> None:
    assert store_cache("auto", 24 * GIB) == "11776M"
    assert store_cache("auto", 4 * GIB) == "1536M"


def test_auto_takes_at_least_256_mib() -> None:
    assert store_cache("auto", 1 * GIB) == "256M"
    assert store_cache("auto", GIB + 300 * 1024**2) == "256M"


def test_a_size_is_taken_as_given() -> None:
    assert store_cache("512M", 24 * GIB) == "512M"
    assert store_cache("4G", 1 * GIB) == "4G"


@pytest.mark.parametrize("choice", ["", "0G", "1T", "12", "4 G", "-1G", "auto,1G", "1.5G"])
def test_the_setting_refuses_anything_else(choice: str) -> None:
    with pytest.raises(ValidationError, match="embedded_store_cache"):
        Settings(embedded_store_cache=choice)


def test_the_default_is_auto() -> None:
    assert Settings().embedded_store_cache == "auto"
