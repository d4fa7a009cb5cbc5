"""The coupon rules: what a coupon takes off an order, which coupon an order uses, and what
may be issued. Each rule once; the handlers and the edge's early checks call these."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from schemas.coupon import CouponLine, CreateTemplate, TemplateTerms
from workers.coupon.model.documents import Channel, Coupon

#: Why a coupon gave an order nothing (or was refused), as the reply and log say it.
NOT_ELIGIBLE = "not_eligible"
NO_ELIGIBLE_COUPON = "no_eligible_coupon"
BUDGET_EXHAUSTED = "budget_exhausted"
SOLD_OUT = "sold_out"
LIMIT_REACHED = "limit_reached"
NOT_PUBLISHED = "not_published"
NOT_FOUND = "not_found"


@dataclass(frozen=True)
class OrderFacts:
    """What eligibility reads of an order: its tier, lines and the categories of its SKUs."""

    tier: str
    lines: tuple[CouponLine, ...]
    categories: Mapping[str, frozenset[str]]


def face_value(terms: TemplateTerms) -> int:
    """The most one coupon can take off: the amount, or the percent's cap."""
    return (terms.amount_off if terms.kind == "amount" else terms.max_discount) or 0


def line_eligible(terms: TemplateTerms, line: CouponLine, categories: frozenset[str]) -> bool:
    """Every list that is set must hold the line's SKU, supplier or one of its categories."""
    return (
        (not terms.skus or line.sku in terms.skus)
        and (not terms.suppliers or line.supplier_id in terms.suppliers)
        and (not terms.categories or bool(categories & set(terms.categories)))
    )


def discount_for(terms: TemplateTerms, order: OrderFacts) -> int:
    """Fen off the order: computed on its eligible lines' cost, which must reach the minimum
    charge; percent rounds down and stops at the cap; never more than the eligible cost."""
    if terms.tiers and order.tier not in terms.tiers:
        return 0
    base = sum(
        line.cost
        for line in order.lines
        if line_eligible(terms, line, order.categories.get(line.sku, frozenset()))
    )
    if base == 0 or base < terms.min_charge:
        return 0
    if terms.kind == "amount":
        off = terms.amount_off or 0
    else:
        off = min(base * (terms.percent_off or 0) // 100, terms.max_discount or 0)
    return min(off, base)


@dataclass(frozen=True)
class Candidate:
    coupon: Coupon
    discount: int


def ranked(coupons: Iterable[Coupon], order: OrderFacts, now: datetime) -> list[Candidate]:
    """Usable coupons that take something off, best first: largest discount, then earliest
    expiry, then earliest issued (then id, so the order is total)."""
    found = [Candidate(c, discount_for(c.terms, order)) for c in coupons if c.usable_at(now)]
    best_first = sorted(
        (c for c in found if c.discount > 0),
        key=lambda c: (-c.discount, c.coupon.valid_to, c.coupon.issued_at, c.coupon.id),
    )
    return best_first


def issue_refusal(channel: Channel, terms: TemplateTerms) -> str | None:
    """An issue is refused when the channel could not pay even this one coupon now."""
    return BUDGET_EXHAUSTED if face_value(terms) > channel.remaining else None


def template_problem(cmd: CreateTemplate) -> str | None:
    """Why a template cannot be made, naming the field; None when it can."""
    terms = cmd.terms
    if terms.kind == "amount" and (terms.amount_off is None or terms.amount_off < 1):
        return "terms.amount_off: required (at least 1 fen) for an amount-off coupon"
    if terms.kind == "percent" and (terms.percent_off is None or terms.max_discount is None):
        return "terms.percent_off, terms.max_discount: both required for a percent-off coupon"
    if terms.kind == "percent" and (terms.max_discount or 0) < 1:
        return "terms.max_discount: at least 1 fen"
    if (cmd.valid_days is None) == (cmd.valid_to is None):
        return "valid_to, valid_days: give exactly one"
    if cmd.valid_to is not None and cmd.valid_from is not None and cmd.valid_to <= cmd.valid_from:
        return "valid_to: must be after valid_from"
    if cmd.per_merchant_limit > cmd.quantity:
        return "per_merchant_limit: more than the quantity"
    return None
