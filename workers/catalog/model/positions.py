"""Where a product sits in the list: the derived fields the product list sorts, windows and searches on."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

_POS_BASE = 0x110000
#: Every product list read windows one of these ranges, led by at most one equality of these
#: (the repository indexes exactly these pairs).
LIST_POSITIONS = ("pos_created", "pos_name")
LIST_LEADS = ("status", "supplier_id", "brand_id", "category_id", "name_grams")


def name_grams(name: str) -> list[str]:
    """Lower-cased characters and character pairs: a multikey index answers substring search."""
    text = name.lower()
    return sorted(set(text) | {text[i : i + 2] for i in range(len(text) - 1)})


def query_grams(q: str) -> list[str]:
    text = q.lower()
    return [text] if len(text) == 1 else sorted({text[i : i + 2] for i in range(len(text) - 1)})


def name_pos(name_key: str) -> int:
    """An integer that orders like the first three characters: lets a scan window the name order."""
    head = [ord(c) for c in name_key[:3]] + [0, 0, 0]
    return (head[0] * _POS_BASE + head[1]) * _POS_BASE + head[2]


def created_pos(at: datetime) -> int:
    return int(at.timestamp() * 1_000_000)


class ListPosition(BaseModel):
    name_key: str
    pos_name: int
    pos_created: int
    name_grams: list[str]

    @classmethod
    def of(cls, name: str, created_at: datetime) -> ListPosition:
        key = name.lower()
        return cls(
            name_key=key,
            pos_name=name_pos(key),
            pos_created=created_pos(created_at),
            name_grams=name_grams(name),
        )
