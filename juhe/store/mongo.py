"""The MongoDB client lifespan: one `AsyncMongoClient` per process, created on start."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.monitoring import CommandListener

from juhe.announced import announced_url
from juhe.settings import Settings
from juhe.store.group_insert import GroupInserts

Document = dict[str, object]

# SecantusDB drops connections idle for 300 s; real MongoDB does not mind a shorter pool idle.
_MAX_IDLE_MS = 240_000


def store_url_file(data_dir: Path) -> Path:
    """Where `juhe store` writes the embedded store's URL for sibling processes."""
    return data_dir / "store.url"


def resolve_mongodb_url(settings: Settings) -> str:
    """The configured URL, else the one a running embedded store announced."""
    return announced_url(settings.mongodb_url, store_url_file(settings.data_dir), "JUHE_MONGODB_URL", "store")


class Store:
    """Holds the client; `db` is only valid between `connect()` and `close()`."""

    def __init__(self, settings: Settings, listeners: Sequence[CommandListener] = ()) -> None:
        self._settings = settings
        self._listeners = list(listeners)
        self._client: AsyncMongoClient[Document] | None = None
        #: The process's group inserts (`juhe.store.group_insert`), shared by every repository.
        self.inserts = GroupInserts(lambda: self.db)

    async def connect(self) -> None:
        url = resolve_mongodb_url(self._settings)
        self._client = AsyncMongoClient(
            url,
            tz_aware=True,
            maxIdleTimeMS=_MAX_IDLE_MS,
            maxPoolSize=self._settings.mongodb_max_pool_size,
            event_listeners=self._listeners,
        )
        await self._client.admin.command("ping")

    @property
    def db(self) -> AsyncDatabase[Document]:
        if self._client is None:
            raise RuntimeError("store used before connect()")
        return self._client[self._settings.database_name]

    @property
    def client(self) -> AsyncMongoClient[Document]:
        if self._client is None:
            raise RuntimeError("store used before connect()")
        return self._client

    async def ping(self) -> bool:
        try:
            await self.client.admin.command("ping")
        except Exception:  # unreachable, for whatever reason
            return False
        return True

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
