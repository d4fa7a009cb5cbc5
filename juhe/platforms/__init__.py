"""Platform adapters, shared by the edge (inbound pushes) and the workers (outbound events).

Adding a platform: one module implementing `PlatformAdapter` (see base.py) with a module-level
`ADAPTER`, plus its line in `_ALL` below.
"""

from __future__ import annotations

from juhe.platforms import douyin, generic, pdd, taobao
from juhe.platforms.base import PlatformAdapter

_ALL: tuple[PlatformAdapter, ...] = (
    generic.ADAPTER,
    douyin.ADAPTER,
    taobao.ADAPTER,
    pdd.ADAPTER,
)

ADAPTERS: dict[str, PlatformAdapter] = {adapter.name: adapter for adapter in _ALL}


def adapter_for(platform: str) -> PlatformAdapter | None:
    return ADAPTERS.get(platform)
