"""Liveness, readiness (broker and store reachable) and Prometheus metrics."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from edge_api.deps import Edge

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(edge: Edge) -> JSONResponse:
    broker = await edge.runtime.broker.ping(timeout=2.0)
    store = await edge.runtime.store.ping()
    ready = broker and store
    body = {"status": "ready" if ready else "unavailable", "broker": broker, "store": store}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
