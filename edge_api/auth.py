"""Credentials: operator token, hashed supplier and merchant API keys."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Literal

from juhe.settings import new_secret

SUPPLIER_KEY_PREFIX = "sk_sup"
MERCHANT_KEY_PREFIX = "sk_mch"


@dataclass(frozen=True)
class Caller:
    kind: Literal["operator", "supplier", "merchant"]
    id: str | None = None
    #: Set when a supplier calls with the key of one of its accounts.
    account_id: str | None = None

    @property
    def is_operator(self) -> bool:
        return self.kind == "operator"


def hash_key(api_key: str) -> str:
    """API keys are 192-bit random strings, so a plain SHA-256 is a sufficient one-way store."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def new_api_key(prefix: str) -> tuple[str, str]:
    key = new_secret(prefix)
    return key, hash_key(key)


def is_admin(token: str, admin_token: str) -> bool:
    return hmac.compare_digest(token.encode(), admin_token.encode())
