"""The category tree on the in-memory twin: moves carry the subtree, cycles are refused."""

from __future__ import annotations

from schemas.catalog import ChangeCategory, CreateCategory, CreateProductModel
from workers.catalog.handlers.taxonomy import change_category, create_category, create_product_model
from workers.catalog.memory import MemoryTaxonomy


async def _tree(*nodes: tuple[str, str | None]) -> MemoryTaxonomy:
    taxonomy = MemoryTaxonomy()
    for category_id, parent_id in nodes:
        cmd = CreateCategory(
            correlation_id=category_id, category_id=category_id, name=category_id, parent_id=parent_id
        )
        await create_category(cmd, taxonomy=taxonomy)
    return taxonomy


def _move(category_id: str, parent_id: str | None) -> ChangeCategory:
    return ChangeCategory(correlation_id=category_id, category_id=category_id, move=True, parent_id=parent_id)


async def test_a_move_repaths_the_whole_subtree() -> None:
    taxonomy = await _tree(("home", None), ("food", None), ("cups", "home"), ("thermos", "cups"))

    body, _ = await change_category(_move("cups", "food"), taxonomy=taxonomy)

    assert body == {"id": "cups", "name": "cups", "parent_id": "food", "path": ["food"]}
    assert taxonomy.categories["thermos"].path == ["food", "cups"]
    await change_category(_move("cups", None), taxonomy=taxonomy)
    assert (taxonomy.categories["cups"].path, taxonomy.categories["thermos"].path) == ([], ["cups"])


async def test_moving_a_category_under_itself_or_its_subtree_is_refused_and_changes_nothing() -> None:
    taxonomy = await _tree(("home", None), ("cups", "home"), ("thermos", "cups"))
    before = dict(taxonomy.categories)

    for parent in ("thermos", "home"):
        body, _ = await change_category(_move("home", parent), taxonomy=taxonomy)
        assert body == {
            "error": {
                "code": "conflict",
                "message": f"parent_id: cannot move a category under its own subtree ({parent!r})",
            }
        }
    missing, _ = await change_category(_move("home", "nope"), taxonomy=taxonomy)
    assert missing["error"] == {"code": "invalid", "message": "parent_id: no category 'nope'"}
    assert taxonomy.categories == before


async def test_a_model_needs_distinct_values_per_dimension() -> None:
    taxonomy = MemoryTaxonomy()
    cmd = CreateProductModel(correlation_id="m", model_id="m", name="T恤", specs={"颜色": ["红", "红"]})
    body, _ = await create_product_model(cmd, taxonomy=taxonomy)
    assert body["error"]["message"] == "specs.颜色: needs distinct values"
    assert taxonomy.models == {}
