"""One settings class for every Juhe process, read from `JUHE_*` environment variables."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from juhe.worker_plan import parse_worker_plan

DEV_ADMIN_TOKEN = "juhe-dev-admin-token"


class Settings(BaseSettings):
    """Process configuration; passed into every factory, never read from a global."""

    model_config = SettingsConfigDict(env_prefix="JUHE_", env_file=".env", extra="ignore")

    env: str = "development"
    #: DEBUG shows a line per handled message; INFO one per business event worth reading.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    #: Unset: `juhe up` runs a private RabbitMQ node under the data dir.
    amqp_url: str | None = None
    mongodb_url: str | None = None
    #: Connections each process opens to the store at most. The embedded store runs a thread per
    #: connection and holds a collection's lock through its commit: past a few threads the lock
    #: holder waits for the interpreter behind them, so more connections only make writes slower.
    mongodb_max_pool_size: int = Field(default=8, ge=1, le=1000)
    #: CPUs the embedded store's process runs on: `one` (the last CPU Juhe may use), `all`, or
    #: CPU numbers (`2,3`). Its threads share one interpreter lock; on one core they spend less
    #: CPU passing it around (the performance section of the README).
    embedded_store_cpus: str = Field(default="one", pattern=r"^(one|all|\d+(,\d+)*)$")
    #: The embedded store's cache: `auto` sizes it as mongod does (half the memory above 1 GiB),
    #: or a size such as `512M` or `4G`. A store that outgrows it reads slower while it evicts.
    embedded_store_cache: str = Field(default="auto", pattern=r"^(auto|[1-9]\d*[MG])$")
    #: The CPUs of `juhe up`'s worker processes: `others` (every CPU but the embedded store's,
    #: when it has one of its own), `all`, or CPU numbers (juhe.affinity).
    worker_cpus: str = Field(default="others", pattern=r"^(others|all|\d+(,\d+)*)$")
    #: The broker's management API (`http://host:15672/`), for unacked counts and rates in
    #: `GET /v1/ops/queues`; unset, those figures are null. `juhe up` sets it for its own node.
    rabbitmq_management_url: str | None = None
    namespace: str = "juhe"
    #: The store's database; unset, the namespace's name (dots as underscores).
    database: str | None = Field(default=None, pattern=r'^[^/\\. "$\x00]{1,63}$')
    data_dir: Path = Path(".juhe")
    admin_token: str = DEV_ADMIN_TOKEN
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    funds_hold_seconds: int = Field(default=1800, ge=1)
    tiers: list[str] = Field(default_factory=lambda: ["standard", "silver", "gold"])
    #: `juhe up`: 0 runs the workers in the API's process; N worker processes each hosting
    #: every worker; or `;`-separated groups of worker names, one process each (juhe.worker_plan).
    worker_processes: str = "1"
    #: The edge's niceness when the workers run in processes of their own (`juhe up`, `juhe api`):
    #: on a busy shared machine the store and the workers get the CPU first, so the orders already
    #: accepted move on while new ones wait in the broker (juhe.niceness). 0: the same priority.
    edge_niceness: int = Field(default=8, ge=0, le=19)
    prefetch: int = Field(default=32, ge=1, le=1000)
    #: Unacked new orders per intake consumer. Kept small so the orders already taken in move on
    #: before more are: a burst then waits in the intake queue, not half-done across every stage.
    intake_prefetch: int = Field(default=8, ge=1, le=1000)
    delivery_limit: int = Field(default=10, ge=1)
    #: Request bodies above this many bytes are refused with 413 before they are read whole.
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1)
    publish_timeout_seconds: float = Field(default=5.0, gt=0)
    request_timeout_seconds: float = Field(default=10.0, gt=0)
    callback_timeout_seconds: float = Field(default=10.0, gt=0)
    callback_give_up_seconds: int = Field(default=86_400, ge=1)
    #: Let delivery and callback URLs reach loopback, private, link-local... addresses (tests,
    #: a closed network); off, such URLs are refused at creation and at send time (juhe.targets).
    allow_private_targets: bool = False
    webhook_clock_skew_seconds: int = 300
    raw_payload_retention_days: int = Field(default=30, ge=1)
    #: How long a rotated-out API key or webhook secret keeps working by default.
    key_rotation_grace_seconds: int = Field(default=86_400, ge=0)
    #: `POST /v1/applications` per client address, per edge process: a burst, then a refill.
    application_rate_burst: int = Field(default=5, ge=1)
    application_rate_per_hour: int = Field(default=20, ge=1)
    recycle_retention_days: float = Field(default=30, ge=0)
    #: How often each worker runs its clean-up jobs (recycle bin, raw payloads, expired keys).
    purge_every_seconds: float = Field(default=3600, gt=0)
    #: Supplier settlement: one statement per supplier per period (weekly, from Monday 00:00 UTC),
    #: issued automatically once the hold after its period is over (after-sale adjusts it until then).
    settlement_period_days: float = Field(default=7, gt=0)
    settlement_hold_days: float = Field(default=7, ge=0)
    #: Each process keeps the reference data an order reads (tiers, prices and promotion windows,
    #: routing rules, delivery modes, shops) this long after reading it: a change applies to every
    #: order received this long after it was answered. 0: every read goes to the store.
    reference_cache_seconds: float = Field(default=5, ge=0, allow_inf_nan=False)

    @field_validator("worker_processes")
    @classmethod
    def _plan_parses(cls, text: str) -> str:
        parse_worker_plan(text)  # a bad plan is refused before anything starts
        return text

    #: The `salt` given to 快递100 when subscribing: its pushes are signed MD5(param + salt).
    #: Unset, every push to the 快递100 callback is refused (401).
    kuaidi100_salt: str | None = None

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Self:
        if self.env == "production":
            if self.admin_token == DEV_ADMIN_TOKEN or len(self.admin_token) < 24:
                raise ValueError("JUHE_ADMIN_TOKEN must be set to a strong secret in production")
            if self.mongodb_url is None:
                raise ValueError("JUHE_MONGODB_URL must point at a replica set in production")
            if self.amqp_url is None:
                raise ValueError("JUHE_AMQP_URL must point at a RabbitMQ cluster in production")
        if not self.tiers:
            raise ValueError("JUHE_TIERS must name at least one tier")
        return self

    @property
    def worker_groups(self) -> list[list[str]]:
        return parse_worker_plan(self.worker_processes)

    @property
    def database_name(self) -> str:
        return self.database or self.namespace.replace(".", "_")


def new_secret(prefix: str) -> str:
    """A random credential with a readable prefix, e.g. `sk_...`."""
    return f"{prefix}_{secrets.token_urlsafe(24)}"
