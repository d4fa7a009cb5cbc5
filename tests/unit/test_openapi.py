"""The published contract: valid OpenAPI 3.1, every operation typed, every error in our shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from edge_api.app import create_app
from juhe.broker import LOCAL_BROKER_URL
from juhe.settings import Settings

#: Building the app opens no connection; the broker URL is only named.
SETTINGS = Settings(namespace="openapi_check", amqp_url=LOCAL_BROKER_URL)
#: Operations whose success answer is not JSON, with the media type they declare.
NOT_JSON = {
    ("get", "/metrics"): "text/plain",
    ("get", "/v1/merchants/{merchant_id}/wallet/entries.csv"): "text/csv",
    ("get", "/v1/settlement/statements/{statement_id}.csv"): "text/csv",
    ("get", "/v1/supplier/statements/{statement_id}.csv"): "text/csv",
    ("get", "/v1/sales/summary.csv"): "text/csv",
    ("get", "/v1/sales/stream"): "text/event-stream",
}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    return create_app(SETTINGS).openapi()


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            yield method, path, operation


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def is_typed(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """A schema a client can be generated from: named fields, a typed list, or a union of those."""
    schema = resolve(spec, schema)
    if "anyOf" in schema or "oneOf" in schema:
        return all(is_typed(spec, s) for s in schema.get("anyOf", schema.get("oneOf", [])))
    if schema.get("type") == "array":
        return is_typed(spec, schema.get("items", {}))
    if schema.get("type") == "object" or "properties" in schema:
        return bool(schema.get("properties")) and schema.get("additionalProperties") in (None, False)
    return schema.get("type") in {"string", "integer", "boolean", "number", "null"}


def test_the_spec_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_every_operation_declares_a_typed_success(spec: dict[str, Any]) -> None:
    untyped = []
    for method, path, operation in operations(spec):
        success = [s for s in operation["responses"] if s.startswith("2")]
        media = NOT_JSON.get((method, path), "application/json")
        schemas = [operation["responses"][s].get("content", {}).get(media, {}).get("schema") for s in success]
        if not schemas or not all(s is not None and is_typed(spec, s) for s in schemas):
            untyped.append(f"{method.upper()} {path}")
    assert untyped == []


def test_every_error_is_documented_in_the_error_shape(spec: dict[str, Any]) -> None:
    wrong = []
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")) and (method, path, status) != ("get", "/readyz", "503"):
                schema = response.get("content", {}).get("application/json", {}).get("schema", {})
                if schema.get("$ref") != "#/components/schemas/ErrorResponse":
                    wrong.append(f"{method.upper()} {path} {status}")
    assert wrong == []


def test_the_operator_can_authorize_with_a_bearer_token(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
    assert spec["paths"]["/v1/orders/{order_key}"]["get"]["security"] == [{name: []} for name in schemes]


async def test_docs_load_their_assets_from_the_edge_itself() -> None:
    app = create_app(SETTINGS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as http:
        page = await http.get("/docs")
        script = await http.get("/static-offline-docs/swagger-ui-bundle.js")
    assert page.status_code == 200
    assert "/static-offline-docs/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    assert script.status_code == 200
    assert len(script.content) > 100_000


async def test_a_method_not_allowed_keeps_its_allow_header() -> None:
    app = create_app(SETTINGS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://edge") as http:
        response = await http.delete("/healthz")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"
    assert response.json()["error"]["code"] == "method_not_allowed"
