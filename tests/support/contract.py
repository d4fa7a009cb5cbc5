"""The published contract against what the API really answers.

Every response the test suite sees through the shared client is recorded with the operation
it hit; at the end of the run each (operation, status) must be documented in /openapi.json.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import httpx

_PARAM = re.compile(r"\{[^}/]+\}")


@dataclass
class ContractRecorder:
    spec: dict[str, Any]
    seen: set[tuple[str, str, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        # Literal paths first, so /v1/products/trash beats /v1/products/{product_id}.
        paths = sorted(self.spec["paths"], key=lambda p: (p.count("{"), p))
        self._patterns = [(p, re.compile("^" + _PARAM.sub("[^/]+", p) + "$")) for p in paths]

    async def record(self, response: httpx.Response) -> None:
        method = response.request.method.lower()
        path = response.request.url.path
        for template, pattern in self._patterns:
            if pattern.match(path) and method in self.spec["paths"][template]:
                self.seen.add((method, template, response.status_code))
                return

    def undocumented(self) -> list[str]:
        return sorted(
            f"{method.upper()} {path} answered {status}"
            for method, path, status in self.seen
            if str(status) not in self.spec["paths"][path][method]["responses"]
        )
