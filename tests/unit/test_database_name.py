"""The store's database: named after the namespace unless `database` names it, and passed on to
the bench's worker processes whatever their environment says."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bench.worker_processes import child_environment
from juhe.settings import Settings


def test_the_database_is_the_namespace_with_dots_as_underscores_by_default() -> None:
    assert Settings(namespace="acme.prod").database_name == "acme_prod"


def test_a_named_database_is_used_whatever_the_namespace() -> None:
    assert Settings(namespace="juhe_bench_1a2b", database="juhe").database_name == "juhe"


@pytest.mark.parametrize("name", ["", "a.b", "a/b", "a b", 'a"b', "a$b", "x" * 64])
def test_a_name_the_store_refuses_is_refused_here(name: str) -> None:
    with pytest.raises(ValidationError, match="database"):
        Settings(database=name)


def test_bench_workers_get_the_bench_database_not_the_inherited_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUHE_DATABASE", "production")
    ours = Settings(namespace="juhe_bench_1a2b", database=None)

    env = child_environment(ours)

    assert env["JUHE_DATABASE"] == "juhe_bench_1a2b"
    assert env["JUHE_NAMESPACE"] == "juhe_bench_1a2b"
