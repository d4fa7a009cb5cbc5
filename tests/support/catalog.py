"""Catalog helpers: categories, brands, models and products through the public API."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api, Party, bearer, unique

PRICES = {"standard": 1200, "silver": 1100, "gold": 1000}


async def category(api: Api, name: str, parent_id: str | None = None) -> str:
    body = {"name": name, "parent_id": parent_id}
    data = await api.ok(await api.http.post("/v1/categories", json=body, headers=api.admin), 201)
    return str(data["id"])


async def brand(api: Api) -> str:
    response = await api.http.post("/v1/brands", json={"name": unique("brand")}, headers=api.admin)
    return str((await api.ok(response, 201))["id"])


async def shirt_model(api: Api) -> str:
    body = {
        "name": unique("T恤"),
        "specs": {"颜色": ["红", "蓝"], "尺码": ["S", "M", "L"]},
        "attributes": ["材质"],
    }
    data = await api.ok(await api.http.post("/v1/product-models", json=body, headers=api.admin), 201)
    return str(data["id"])


def product_body(
    name: str, category_id: str, brand_id: str, model_id: str | None, **specs: str
) -> dict[str, Any]:
    sku_specs = specs or {"颜色": "红", "尺码": "M"}
    return {
        "name": name,
        "category_id": category_id,
        "brand_id": brand_id,
        "model_id": model_id,
        "skus": [
            {
                "sku": unique("SKU"),
                "specs": sku_specs,
                "tier_prices": PRICES,
                "stock": 5,
                "settlement_price": 800,
            }
        ],
    }


async def create(api: Api, supplier: Party, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = await api.http.post("/v1/supplier/products", json=body, headers=bearer(supplier.key))
    result: dict[str, Any] = await api.ok(response, status)
    return result


async def act(api: Api, product_id: str, action: str, status: int = 200, **body: Any) -> dict[str, Any]:
    response = await api.http.post(
        f"/v1/products/{product_id}/{action}", json=body or None, headers=api.admin
    )
    result: dict[str, Any] = await api.ok(response, status)
    return result


async def product(api: Api, product_id: str, key: str | None = None) -> dict[str, Any]:
    headers = bearer(key) if key else api.admin
    result: dict[str, Any] = await api.ok(
        await api.http.get(f"/v1/products/{product_id}", headers=headers), 200
    )
    return result
