"""Pure catalog rules: spec validation messages, name grams, name positions."""

from __future__ import annotations

from datetime import UTC, datetime

from workers.catalog.model import ProductModel, name_grams, name_pos, query_grams

MODEL = ProductModel(
    id="mdl_1",
    name="T恤",
    specs={"颜色": ["红", "蓝"], "尺码": ["S", "M"]},
    attributes=["材质"],
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)


def test_spec_problem_names_the_field_and_the_allowed_values() -> None:
    assert (
        MODEL.spec_problem({"颜色": "绿", "尺码": "S"}, "skus.0.specs")
        == "skus.0.specs.颜色: '绿' is not one of 红, 蓝"
    )
    assert (
        MODEL.spec_problem({"颜色": "红"}, "skus.1.specs")
        == "skus.1.specs.尺码: missing (model 'T恤' requires it)"
    )
    assert MODEL.spec_problem({"颜色": "红", "尺码": "S"}, "skus.0.specs") is None


def test_grams_answer_substrings_and_positions_follow_name_order() -> None:
    grams = set(name_grams("纯棉T恤"))
    assert set(query_grams("棉t")) <= grams
    assert query_grams("恤") == ["恤"]
    names = sorted(["b", "a", "ab", "钢笔", "铅笔", "a b"])
    assert [name_pos(n) for n in names] == sorted(name_pos(n) for n in names)
