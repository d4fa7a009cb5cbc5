"""Supplier accounts and routing rules: requests answered by the accounts worker."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal, Self

from pydantic import Field, StringConstraints, model_validator

from schemas.accounts import Answer, Delivery
from schemas.common import Frozen, ShortText
from schemas.envelope import Command

Channel = Literal["erp", "jd", "meituan", "other"]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CreateSupplierAccount(Command):
    NAME: ClassVar[str] = "accounts.create_supplier_account"
    account_id: str
    supplier_id: str
    name: ShortText
    channel: Channel
    delivery: Delivery
    api_key_hash: str
    webhook_secret: str


class RoutingRule(Frozen):
    """Exactly one selector: a merchant, a merchant tier, or the supplier's default."""

    merchant_id: Ref | None = None
    tier: Ref | None = None
    default: Literal[True] | None = None
    account_id: Ref

    @model_validator(mode="after")
    def _one_selector(self) -> Self:
        chosen = [k for k in ("merchant_id", "tier", "default") if getattr(self, k) is not None]
        if len(chosen) != 1:
            raise ValueError("a rule names exactly one of merchant_id, tier or default")
        return self


class SetSupplierRouting(Command):
    """Replace all of a supplier's routing rules at once."""

    NAME: ClassVar[str] = "accounts.set_supplier_routing"
    supplier_id: str
    rules: list[RoutingRule] = Field(max_length=1000)

    def business_key(self) -> str:
        return f"{self.supplier_id}|{self.occurred_at.isoformat()}"


class RoutingRules(Answer):
    """A supplier's rules, as stored and answered."""

    rules: list[RoutingRule]
